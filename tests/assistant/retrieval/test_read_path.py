"""The read path reads per question, not per corpus: start-up and answering read no chunk or
sentence rows from Chroma in bulk, and what they read equals what Chroma holds."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.retrieval.index import LoadedIndex, search_text
from assistant.retrieval.lexical import terms
from assistant.retrieval.retrieve import Retriever
from assistant.storage.store import SentenceRows, Store
from assistant.types import Chunk, Embedder
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, write_small_corpus


class NoBulkStore(Store):
    """A real store that fails the test if anything reads every chunk or every sentence."""

    def all_chunks(self) -> list[Chunk]:
        raise AssertionError("all_chunks() on the read path")

    def sentences(self) -> SentenceRows:
        raise AssertionError("sentences() on the read path")

    def read_all(self, col: Any, include: list[str], what: str, where: dict[str, Any] | None = None) -> Any:
        raise AssertionError(f"a paged read of every row ({what}) on the read path")


def test_start_up_and_answers_read_no_rows_in_bulk(corpus_settings: Settings, minilm: Embedder) -> None:
    store = NoBulkStore(corpus_settings, minilm)
    index = LoadedIndex.load(store, corpus_settings)
    ranker = Retriever(corpus_settings, store, index)
    for q in ("how do I get on a CCG board?", "what happens to my pension?"):
        qvec = minilm.embed([q])[0]
        cands = ranker.candidates(q, qvec)
        assert cands and all(len(index.sentences[c.chunk.chunk_id][1]) for c in cands[:5])
    assert len(index.chunks) == len(index.by_id) > 100
    assert {d["doc_id"] for d in index.documents()} >= {"bma-get-involved", "bmj-guide"}


def test_what_the_index_reads_equals_what_chroma_holds(bot: Assistant, corpus_settings: Settings) -> None:
    """Chunks, sentence texts and vectors, and term counts: the same as reading the store whole
    (as every process used to at start); the vectors are the ones ingest computed, which Chroma
    holds re-normalised."""
    store = Store(corpus_settings, bot.embedder)
    index = bot.index
    chunks = store.all_chunks()
    assert list(index.chunks) == chunks
    rows = store.sentences()
    grouped: dict[str, list[int]] = {}
    for i, cid in enumerate(rows.chunk_ids):
        grouped.setdefault(cid, []).append(i)
    for c in chunks:
        idx = sorted(grouped.get(c.chunk_id, []), key=lambda i: int(rows.ids[i].rsplit(":", 1)[1]))
        texts, vecs = index.sentences[c.chunk_id]
        assert texts == [rows.texts[i] for i in idx]
        # Chroma re-normalises vectors for cosine space: its copy differs in the last bits.
        np.testing.assert_allclose(vecs, rows.vectors[idx], rtol=0, atol=1e-6)
    df: dict[str, int] = {}
    for c in chunks:
        for t in set(terms(search_text(c))):
            df[t] = df.get(t, 0) + 1
    assert dict(index.df.items()) == df
    assert index.by_id.get("no-such-chunk") is None and "no-such-chunk" not in index.sentences


def test_a_process_without_the_local_files_reads_them_once_from_chroma(
    corpus_settings: Settings, minilm: Embedder, tmp_path: Path
) -> None:
    """Another machine against the same store (here: the same Chroma folder, an empty data dir
    otherwise): the read pack and the document files are made from Chroma, then reused."""
    data = tmp_path / "other"
    shutil.copytree(corpus_settings.chroma_path, data / "chroma")
    shutil.copytree(corpus_settings.models_dir, Settings(data_dir=data).models_dir)
    other = corpus_settings.replace(data_dir=data)
    a = Assistant(other, embedder=minilm).ask("how do I get on a CCG board?")
    assert not a.refused and any(c.doc_id == "bma-get-involved" for c in a.citations)
    n_docs = len(Assistant(other, embedder=minilm).documents())
    # Each document's sentence vectors and its chunk vectors (read by the reranker's fill).
    assert len(list((data / "docs").rglob("*.chunks.npy"))) == n_docs
    assert len(list((data / "docs").rglob("*.npy"))) == 2 * n_docs
    # Now everything is local: a new reader reads nothing in bulk.
    index = LoadedIndex.load(NoBulkStore(other, minilm), other)
    assert index.sentences[index.chunks[0].chunk_id][0]


def test_a_deleted_document_file_is_read_again_from_chroma(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=write_small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "var")
    emb = HashEmbedder()
    assert Ingestor(settings, emb).run().ok
    for f in (settings.data_dir / "docs").rglob("*.npy"):
        f.unlink()
    bot = Assistant(settings, embedder=emb)
    texts, vecs = bot.index.sentences[bot.index.chunks[0].chunk_id]
    assert texts and vecs.shape == (len(texts), emb.dim)


@pytest.mark.parametrize("rows", [10, 40_000])
def test_ranked_is_descending_and_complete(rows: int) -> None:
    """BM25 ranking: the whole sort for small indexes (numpy's tie order, as before), the best
    few first for large ones; either way every positive row once, best first."""
    from assistant.retrieval.lexical import LexicalIndex

    rng = np.random.default_rng(rows)
    scores = np.where(rng.random(rows) < 0.6, rng.integers(0, 50, rows).astype(np.float32), 0.0)
    order = list(LexicalIndex.ranked(scores, first=16))
    assert sorted(order) == sorted(np.flatnonzero(scores > 0).tolist())
    assert all(scores[a] >= scores[b] for a, b in itertools.pairwise(order))
    if rows <= 10:
        full = np.argsort(-scores)
        assert order == [int(i) for i in full if scores[i] > 0]


def test_stemming_is_safe_from_concurrent_questions() -> None:
    """A snowball stemmer holds the word in its own fields: shared by threads, it raised
    IndexError under a 16-client load. Each thread now has its own."""
    import random
    import string
    import threading

    from assistant.retrieval.lexical import _stemmer, stem

    rng = random.Random(5)
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 14))) for _ in range(40_000)]
    expected = [_stemmer().stemWord(w) for w in words]
    got: dict[int, str] = {}
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            for i in range(k, len(words), 8):
                got[i] = stem.__wrapped__(words[i])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and [got[i] for i in range(len(words))] == expected


def test_an_index_with_every_document_removed_answers_with_a_refusal(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=write_small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "var")
    emb = HashEmbedder()
    assert Ingestor(settings, emb).run().ok
    for f in settings.corpus_dir.iterdir():
        f.unlink()
    report = Ingestor(settings, emb).run()
    assert report.ok and report.count("removed") == 3 and report.total_chunks == 0
    bot = Assistant(settings, embedder=emb)
    assert bot.documents() == [] and bot.ask("who sets beta salaries?").refused


def test_sentences_are_kept_read_only_and_within_bound(
    corpus_settings: Settings, minilm: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question reads its candidates' sentences several times; the index reads each once and
    shares it, unchangeable, and keeps no more chunks than SENTENCE_CACHE."""
    import assistant.retrieval.index as index_module

    monkeypatch.setattr(index_module, "SENTENCE_CACHE", 3)
    index = LoadedIndex.load(Store(corpus_settings, minilm), corpus_settings)
    ids = list(index.sentences.keys())[:5]
    texts, vecs = index.sentences[ids[0]]
    again = index.sentences[ids[0]]
    assert again[1] is vecs and again[0] == texts
    with pytest.raises(ValueError):
        vecs[0, 0] = 1.0
    for cid in ids:
        index.sentences[cid]
    assert list(index._cache) == ids[-3:]
    # Read again once dropped, the same values.
    assert np.array_equal(index.sentences[ids[0]][1], vecs)


def test_a_pack_of_no_documents_opens_and_reads_as_empty(tmp_path: Path) -> None:
    """records.bin is then empty, which cannot be memory-mapped."""
    from assistant.retrieval.readpack import ReadPack

    ReadPack.write(tmp_path / "pack", "fp-empty", [], 0)
    assert (tmp_path / "pack" / ReadPack.RECORDS).stat().st_size == 0
    pack = ReadPack.open(tmp_path / "pack", "fp-empty")
    assert pack is not None and len(pack) == 0
    assert pack.row("doc:0") is None
