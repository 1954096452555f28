"""Ingest at scale: vectors as before, identical text embedded once, every Chroma write within
the client's batch limit, and a killed ingest that re-embeds nothing it already did."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from assistant import Settings
from assistant.retrieval.docfiles import search_text
from assistant.retrieval.refresh import sentence_rows
from assistant.storage.store import Store
from assistant.types import Embedder
from ingest.bounded import Limits, run_job
from ingest.embedding import CachedEmbedding, EmbedCache, embedder_key
from ingest.manifest import discover, load_manifest
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, write_small_corpus
from tests.ingest.test_pipeline import check_complete

ROOT = Path(__file__).resolve().parents[2]


def test_ingest_vectors_equal_the_previous_way_within_1e4(minilm: Embedder, tmp_path: Path) -> None:
    """The previous ingest embedded slices of 32 texts in document order; now a group's texts go
    to the embedder in one call (ordered by length there), through the content-hash cache."""
    manifest = load_manifest(ROOT / "corpus", ROOT / "corpus" / "manifest.toml")
    path = next(p for p in discover(ROOT / "corpus") if p.suffix == ".txt")
    chunks = run_job((path, manifest.documents[path.name], "h"), Limits())[:40]
    texts = [search_text(c) for c in chunks] + sentence_rows(chunks)[3] + ["", "SAS", "£65bn – England’s CCGs"]
    before = np.vstack([minilm.embed(texts[i : i + 32]) for i in range(0, len(texts), 32)])
    cache = EmbedCache(tmp_path / "cache.sqlite", embedder_key(minilm))
    now = CachedEmbedding(minilm, cache).embed(texts)
    again = CachedEmbedding(minilm, cache).embed(texts)  # all from the cache
    deviation = float(np.abs(now - before).max())
    print(f"\nmax |new - previous| over {len(texts)} texts: {deviation:.2e}")
    assert deviation <= 1e-4 and np.array_equal(now, again)


def test_identical_text_is_embedded_once(tmp_path: Path) -> None:
    """A document uploaded twice under two names, and a rebuild: each distinct text once."""
    corpus = write_small_corpus(tmp_path / "corpus")
    shutil.copy(corpus / "beta.md", corpus / "beta-copy.md")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "var")
    emb = HashEmbedder()
    report = Ingestor(settings, emb).run()
    assert report.ok and report.count("added") == 4
    stats = report.embed_stats
    assert emb.texts_embedded == stats.embedded == stats.distinct < stats.texts
    again = Ingestor(settings, emb).run(rebuild=True)  # every document written again, nothing embedded
    assert again.ok and again.chunks_embedded == again.total_chunks > 0
    assert again.embed_stats.embedded == 0 and emb.texts_embedded == stats.embedded
    other = HashEmbedder(model_id="another-model")  # another model never reads these vectors
    assert Ingestor(settings, other).run(rebuild=True).embed_stats.cached == 0


class Recording:
    """A real Chroma collection, with the size of every write and read page recorded."""

    def __init__(self, col: Any, sizes: list[tuple[str, int]]) -> None:
        self._col, self._sizes = col, sizes

    def upsert(self, **kw: Any) -> Any:
        self._sizes.append(("upsert", len(kw["ids"])))
        return self._col.upsert(**kw)

    def add(self, **kw: Any) -> Any:
        self._sizes.append(("add", len(kw["ids"])))
        return self._col.add(**kw)

    def get(self, **kw: Any) -> Any:
        got = self._col.get(**kw)
        self._sizes.append(("get", len(got["ids"])))
        return got

    def __getattr__(self, name: str) -> Any:
        return getattr(self._col, name)


class RecordingStore(Store):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.sizes: list[tuple[str, int]] = []

    def collection(self, name: str, create: bool = False, model_check: bool = True) -> Any:
        col = super().collection(name, create, model_check)
        return col if name.endswith("-registry") else Recording(col, self.sizes)


def test_every_write_and_page_is_within_the_batch_limit(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(6):
        (corpus / f"note{n}.txt").write_text(
            f"Note {n}\n\n" + " ".join(f"Note {n} sentence {i} covers shift {i % 7}." for i in range(120))
        )
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "var", collection="batches")
    emb = HashEmbedder()
    store = RecordingStore(settings, emb, max_batch=7)
    report = Ingestor(settings, emb, store=store).run()
    assert report.ok and report.total_chunks > 7
    writes = [n for kind, n in store.sizes if kind in {"upsert", "add"}]
    assert sum(writes) > 6 * 120 and max(writes) <= 7
    reader = RecordingStore(settings, emb, max_batch=7)
    assert len(reader.sentences().ids) >= 6 * 120
    assert max(n for kind, n in reader.sizes if kind == "get") <= 7
    check_complete(settings, emb)


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from assistant import Settings
    from ingest.pipeline import Ingestor
    from tests.helpers import HashEmbedder

    corpus, data = sys.argv[1:3]

    def progress(stage, done, total):
        if stage == "write" and done >= 2:  # two documents committed, the rest not
            os.kill(os.getpid(), signal.SIGKILL)

    Ingestor(Settings(corpus_dir=Path(corpus), data_dir=Path(data)), HashEmbedder(), progress).run()
    """
)


def test_a_killed_ingest_resumes_without_embedding_again(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(8):
        (corpus / f"doc{n}.txt").write_text(
            f"Doc {n}\n\n" + " ".join(f"Doc {n} rule {i} sets rota {i * n % 11}." for i in range(25))
        )
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "var")
    proc = subprocess.run([sys.executable, "-c", KILLER, str(corpus), str(settings.data_dir)], cwd=ROOT)
    assert proc.returncode == -9
    emb = HashEmbedder()
    report = Ingestor(settings, emb).run()
    assert report.ok
    # The first ingest builds a generation and swaps it in at the end: the kill left it pending,
    # with two documents committed in it; this run resumes it and keeps those two.
    kept = [r for r in report.results if "interrupted" in r.reason]
    assert len(kept) == 2 and report.count("added") == 8
    # The committed documents are not touched; the others' vectors come from the cache the
    # killed run filled (their group was embedded before the kill): nothing is embedded again.
    assert emb.texts_embedded == 0 and report.embed_stats.cached == report.embed_stats.distinct > 0
    assert len(check_complete(settings, emb)) == 8
