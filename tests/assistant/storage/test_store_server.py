"""Chroma in server mode: a real `chroma run` on 127.0.0.1, shared by two data folders."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.storage.chroma import connect
from assistant.storage.store import Store
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, free_port, wait_http, write_small_corpus

DELTA = (
    "Delta guidance\n\nParking\n\nDelta staff park in the multistorey behind the orthodontics "
    "wing and pay nothing after six in the evening. Permits are issued by the delta estates office.\n"
)


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
    store.client().delete_collection(store.names(store.view(refresh=True).generation)[1])
    repaired = Ingestor(settings, emb).run()
    assert {r.status for r in repaired.results} == {"repaired"} and check_complete(settings, emb) == first
    a = Assistant(settings.replace(data_dir=tmp_path / "reader"), embedder=emb).ask("who sets beta salaries?")
    assert a.retrieved and a.retrieved[0].chunk.doc_id == "beta"


def test_a_reader_does_not_hide_a_document_the_server_returned_short(
    tmp_path: Path, chroma_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A reader that finds a newly committed document short on the server (as a server still
    settling the writer's rows can return it) keeps answering from its loaded index and names
    the document; it saves no read pack without it, so once the rows are whole (here: the
    writer's next ingest repairs them) the next question finds it."""
    corpus = write_small_corpus(tmp_path / "corpus")
    emb = HashEmbedder()
    writer = Settings(corpus_dir=corpus, data_dir=tmp_path / "writer", chroma_url=chroma_server)
    Ingestor(writer, emb).run()
    bot = Assistant(writer.replace(data_dir=tmp_path / "reader", reload_check_s=0), embedder=emb)
    bot.ask("how do I apply for a position on the alpha board?")
    loaded = bot.index

    (corpus / "delta.txt").write_text(DELTA, encoding="utf-8")
    assert Ingestor(writer, emb).run().count("added") == 1
    store = Store(writer, emb)
    view = store.view(refresh=True)
    sentences = connect(writer).get_collection(store.names(view.generation)[1])
    sentences.delete(where={"doc_hash": view.docs["delta"].doc_hash})

    with caplog.at_level(logging.WARNING, logger="assistant"):
        answer = bot.ask("where do delta staff park in the evening?")
    assert bot.index is loaded
    assert answer.retrieved and all(h.chunk.doc_id != "delta" for h in answer.retrieved)
    assert "could not load the newer index" in caplog.text and "document 'delta'" in caplog.text, caplog.text

    assert Ingestor(writer, emb).run().count("repaired") == 1
    answer = bot.ask("where do delta staff park in the evening?")
    assert bot.index is not loaded
    assert answer.retrieved[0].chunk.doc_id == "delta", [h.chunk.doc_id for h in answer.retrieved]
