"""Kill tests: an ingest SIGKILLed at every stage boundary leaves an index that answers, and the
next ingest leaves a complete one.

The ingest runs in a child process whose `Progress` callback (a real implementation of the
protocol, nothing patched) sends itself SIGKILL when it reaches the chosen point. The child
opens the store itself, so this process never holds a Chroma client on a store another process
writes (embedded Chroma caches its segments per process).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.types import Embedder
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, write_small_corpus
from tests.ingest.test_pipeline import check_complete

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from assistant import Settings
    from ingest.pipeline import Ingestor

    corpus, data, stage, when, mode, embedder = sys.argv[1:7]

    def progress(s: str, done: int, total: int) -> None:
        # Kill at the first report of `stage` ("start"), its last ("end") or its first item done.
        if s == stage and (
            when == "start" or (when == "end" and done >= total) or (when == "first" and done >= 1)
        ):
            print(f"killed at {s} {done}/{total}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    settings = Settings(corpus_dir=Path(corpus), data_dir=Path(data), collection="kill")
    if embedder == "hash":
        from tests.helpers import HashEmbedder
        emb = HashEmbedder()
    else:
        from assistant.wiring import build_embedder
        emb = build_embedder(settings)
    report = Ingestor(settings, emb, progress).run(rebuild=mode == "rebuild")
    print(report.table(), flush=True)
    """
)


def ingest_in_child(
    settings: Settings, stage: str = "", when: str = "", mode: str = "plain", embedder: str = "hash"
) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(settings.corpus_dir), str(settings.data_dir), stage, when, mode, embedder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode not in (0, -9):
        raise AssertionError(f"child failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.returncode


def change_corpus(corpus: Path) -> None:
    """beta updated, gamma removed, delta added."""
    beta = corpus / "beta.md"
    beta.write_text(beta.read_text() + "\n## Leave\n\nBeta staff get study leave every year for courses.\n")
    (corpus / "gamma.html").unlink()
    (corpus / "delta.txt").write_text(
        "Delta rota\n\nDelta juniors swap night shifts through the rota coordinator, who keeps the "
        "on-call register and approves every swap a week in advance.\n"
    )


OLD = {"alpha", "beta", "gamma"}
NEW = {"alpha", "beta", "delta"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small corpus, ingested once (in a child), then changed on disk."""
    base = tmp_path_factory.mktemp("kill-template")
    settings = Settings(corpus_dir=write_small_corpus(base / "corpus"), data_dir=base / "var", collection="kill")
    assert ingest_in_child(settings) == 0
    change_corpus(settings.corpus_dir)
    return base


def copy_of(template: Path, dest: Path) -> Settings:
    shutil.copytree(template, dest)
    return Settings(corpus_dir=dest / "corpus", data_dir=dest / "var", collection="kill")


def answered_by(settings: Settings, emb: Embedder) -> str:
    """Ask; which index answered: "old", "new" or (incremental ingests only) "mixed"."""
    bot = Assistant(settings, embedder=emb)
    a = bot.ask("how do I apply for a position on the alpha board?")
    # Retrieval, not the refusal policy (a hashing embedder's similarities are not calibrated).
    assert a.retrieved and a.retrieved[0].chunk.doc_id == "alpha"
    docs = {d.doc_id for d in bot.documents()}
    beta = [c.text for c in bot.index.chunks if c.doc_id == "beta"]
    # A document is in one version or the other, never half of each.
    assert beta and bot.index.sentences and all(bot.index.sentences[c.chunk_id][0] for c in bot.index.chunks)
    new_beta = any("study leave" in t for t in beta)
    if docs == OLD and not new_beta:
        return "old"
    if docs == NEW and new_beta:
        return "new"
    assert docs <= OLD | NEW and {"alpha", "beta"} <= docs
    return "mixed"


POINTS = [
    ("verify", "end"),
    ("read", "end"),
    ("embed passages", "start"),
    ("embed passages", "end"),
    ("embed sentences", "end"),
    ("write", "first"),
    ("write", "end"),
    ("swap", "start"),
    ("swap", "end"),
    ("clean", "start"),
    ("clean", "end"),
    ("lexical", "start"),
]


@pytest.mark.parametrize("mode", ["plain", "rebuild"])
@pytest.mark.parametrize(("stage", "when"), POINTS, ids=[f"{s}:{w}" for s, w in POINTS])
def test_killed_ingest_leaves_an_index_that_answers_and_is_repaired(
    template: Path, tmp_path: Path, stage: str, when: str, mode: str
) -> None:
    if stage == "swap" and mode == "plain":
        pytest.skip("a plain ingest has no swap")
    settings = copy_of(template, tmp_path / "case")
    assert ingest_in_child(settings, stage, when, mode) == -9, "the ingest was not killed"
    emb = HashEmbedder()
    answered = answered_by(settings, emb)
    if mode == "rebuild":
        assert answered in {"old", "new"}  # a rebuild swaps in one step

    report = Ingestor(settings, emb).run()
    assert report.ok, report.table()
    counts = check_complete(settings, emb)
    assert set(counts) == NEW and report.total_chunks == sum(counts.values())
    assert answered_by(settings, emb) == "new"
    delta = Assistant(settings, embedder=emb).ask("who approves a night shift swap on the delta rota?")
    assert delta.retrieved and delta.retrieved[0].chunk.doc_id == "delta"
    if mode == "plain" and when == "end" and stage in {"write", "clean"}:
        assert report.chunks_embedded == 0  # committed before the kill: nothing embedded again
    print(
        f"\nkilled {mode} ingest at {stage}:{when} → {answered} index answered; next ingest: "
        f"{', '.join(f'{r.doc_id} {r.status}' for r in report.results)}"
    )


def test_killed_rebuild_is_resumed_by_the_next_rebuild(template: Path, tmp_path: Path) -> None:
    settings = copy_of(template, tmp_path / "case")
    assert ingest_in_child(settings, "write", "first", "rebuild") == -9
    emb = HashEmbedder()
    report = Ingestor(settings, emb).run(rebuild=True)
    kept = [r for r in report.results if "interrupted rebuild" in r.reason]
    assert len(kept) == 1 and {r.status for r in report.results} == {"added"}
    assert report.chunks_embedded == report.total_chunks - kept[0].chunks
    check_complete(settings, emb)
    assert answered_by(settings, emb) == "new"


def test_real_corpus_rebuild_killed_after_embedding_sentences(
    corpus_settings: Settings, minilm: Embedder, tmp_path: Path
) -> None:
    """The tester's case: `assistant ingest --rebuild` killed just after "embed sentences 100%",
    then `assistant ask`, then a plain `assistant ingest`, on the real corpus and model."""
    base = tmp_path / "real"
    shutil.copytree(corpus_settings.corpus_dir, base / "corpus")
    # The model's ONNX export, so the children do not export it again.
    shutil.copytree(corpus_settings.models_dir, Settings(data_dir=base / "var").models_dir)
    # And the session's embedding cache: the QA model's sentence vectors are not what this tests.
    for cache in corpus_settings.data_dir.glob("embed-cache.sqlite*"):
        shutil.copy2(cache, base / "var" / cache.name)
    settings = Settings(corpus_dir=base / "corpus", data_dir=base / "var", collection="kill")
    assert ingest_in_child(settings, embedder="real") == 0
    assert ingest_in_child(settings, "embed sentences", "end", "rebuild", embedder="real") == -9

    bot = Assistant(settings, embedder=minilm)
    a = bot.ask("how do I get on a CCG board?")
    assert not a.refused and any(c.doc_id == "bma-get-involved" for c in a.citations)
    n_docs = len(bot.documents())
    report = Ingestor(settings, minilm).run()
    assert report.ok and {r.status for r in report.results} == {"unchanged"} and report.chunks_embedded == 0
    assert len(check_complete(settings, minilm)) == n_docs
    print(
        f"\nreal corpus: rebuild killed at embed sentences:end → old index answered ({n_docs} documents); "
        f"next ingest: {report.count('unchanged')} unchanged, {report.total_chunks} chunks"
    )
