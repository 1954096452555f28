"""Chroma in server mode: a real `chroma run` on 127.0.0.1, shared by two data folders."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.storage.store import Store
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, free_port, wait_http, write_small_corpus


@pytest.fixture()
def chroma_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    exe = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/api/v2/heartbeat", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_ingest_and_ask_through_a_chroma_server(tmp_path: Path, chroma_server: str) -> None:
    corpus = write_small_corpus(tmp_path / "corpus")
    emb = HashEmbedder()
    writer = Settings(corpus_dir=corpus, data_dir=tmp_path / "writer", chroma_url=chroma_server)
    report = Ingestor(writer, emb).run()
    assert report.ok and report.total_chunks > 0
    assert not (writer.chroma_path).exists()  # nothing embedded locally

    # A second app process with its own (empty) data folder: BM25 is rebuilt from the server's chunks.
    reader = writer.replace(data_dir=tmp_path / "reader")
    bot = Assistant(reader, embedder=emb)
    a = bot.ask("how do I apply for a position on the alpha board?")
    assert a.retrieved and a.retrieved[0].chunk.doc_id == "alpha"
    assert (reader.bm25_path / "ids.json").is_file()
    assert {d.doc_id for d in bot.documents()} == {"alpha", "beta", "gamma"}


def test_rebuild_and_repair_through_a_chroma_server(tmp_path: Path, chroma_server: str) -> None:
    from tests.ingest.test_pipeline import check_complete

    corpus = write_small_corpus(tmp_path / "corpus")
    emb = HashEmbedder()
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "writer", chroma_url=chroma_server, collection="srv")
    Ingestor(settings, emb).run()
    first = check_complete(settings, emb)
    report = Ingestor(settings, emb, store=Store(settings, emb, max_batch=2)).run(rebuild=True)
    assert report.ok and check_complete(settings, emb) == first  # swapped; the old generation dropped
    store = Store(settings, emb)
    store._client().delete_collection(store.names(store.view(refresh=True).generation)[1])
    repaired = Ingestor(settings, emb).run()
    assert {r.status for r in repaired.results} == {"repaired"} and check_complete(settings, emb) == first
    a = Assistant(settings.replace(data_dir=tmp_path / "reader"), embedder=emb).ask("who sets beta salaries?")
    assert a.retrieved and a.retrieved[0].chunk.doc_id == "beta"
