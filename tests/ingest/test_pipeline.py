"""Incremental, safe re-ingestion, with a fast real embedder (hashing) on a small corpus."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant import EmbedderMismatchError, Settings
from assistant.errors import ConfigError, IngestLockedError
from assistant.store import Store
from ingest.pipeline import Ingestor, ingest_lock
from tests.helpers import HashEmbedder, write_small_corpus


@pytest.fixture()
def small(tmp_path: Path) -> Settings:
    corpus = write_small_corpus(tmp_path / "corpus")
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "var", collection="small")


def ids_by_doc(settings: Settings, emb: HashEmbedder) -> dict[str, set[str]]:
    return {d: set(v["ids"]) for d, v in Store(settings, emb).chunk_ids_by_doc().items()}


def test_first_ingest_and_unmanifested_file_warning(small: Settings) -> None:
    emb = HashEmbedder()
    report = Ingestor(small, emb).run()
    assert report.ok
    assert {r.status for r in report.results} == {"added"}
    assert any("gamma.html" in w and "not in the manifest" in w for w in report.warnings)
    docs = ids_by_doc(small, emb)
    assert set(docs) == {"alpha", "beta", "gamma"}
    assert (small.bm25_path / "ids.json").is_file()


def test_rerun_embeds_nothing_edit_replaces_only_that_doc_delete_removes(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    before = ids_by_doc(small, emb)

    emb2 = HashEmbedder()
    again = Ingestor(small, emb2).run()
    assert again.chunks_embedded == 0 and emb2.texts_embedded == 0
    assert {r.status for r in again.results} == {"unchanged"}

    beta = small.corpus_dir / "beta.md"
    beta.write_text(beta.read_text() + "\n## Leave\n\nBeta staff get study leave every year for courses.\n")
    edited = Ingestor(small, emb2).run()
    status = {r.doc_id: r.status for r in edited.results}
    assert status == {"alpha": "unchanged", "beta": "updated", "gamma": "unchanged"}
    after = ids_by_doc(small, emb2)
    assert after["alpha"] == before["alpha"] and after["gamma"] == before["gamma"]
    assert after["beta"] != before["beta"]
    assert any("study leave" in c.text for c in Store(small, emb2).all_chunks())

    (small.corpus_dir / "gamma.html").unlink()
    removed = Ingestor(small, emb2).run()
    assert {r.doc_id: r.status for r in removed.results}["gamma"] == "removed"
    assert "gamma" not in ids_by_doc(small, emb2)


def test_bad_file_reported_others_ingested_nothing_lost(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    before = ids_by_doc(small, emb)
    (small.corpus_dir / "alpha.txt").write_bytes(b"\xff\xfe\x00\x00 broken \x00 bytes")
    (small.corpus_dir / "notes.txt").write_text("Delta notes about rota planning and leave cover for juniors.\n")
    report = Ingestor(small, emb).run()
    assert not report.ok
    failed = {r.file: r.reason for r in report.results if r.status == "failed"}
    assert set(failed) == {"alpha.txt"} and "binary" in failed["alpha.txt"]
    after = ids_by_doc(small, emb)
    assert after["alpha"] == before["alpha"]  # the previous chunks still answer
    assert "notes" in after  # every other file is still ingested


def test_manifest_entry_for_missing_file_is_an_error_naming_it(small: Settings) -> None:
    with open(small.manifest_path, "a") as fh:
        fh.write('\n[[document]]\nid = "ghost"\nfile = "ghost.pdf"\ntitle = "Ghost"\n')
    with pytest.raises(ConfigError, match=r"ghost\.pdf"):
        Ingestor(small, HashEmbedder()).run()


def test_second_concurrent_ingest_is_refused(small: Settings) -> None:
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with ingest_lock(small.data_dir):
            entered.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    entered.wait(5)
    try:
        with pytest.raises(IngestLockedError, match="another ingest is running"):
            Ingestor(small, HashEmbedder()).run()
    finally:
        release.set()
        t.join()


def test_querying_with_another_embedding_model_is_an_error(small: Settings) -> None:
    Ingestor(small, HashEmbedder()).run()
    other = HashEmbedder(dim=64, model_id="another-model")
    with pytest.raises(EmbedderMismatchError, match="test-hash-64"):
        Store(small, other).info()


def test_rebuild_starts_over(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    report = Ingestor(small, emb).run(rebuild=True)
    assert {r.status for r in report.results} == {"added"} and report.total_chunks > 0
