"""Chroma in server mode: a real `chroma run` on 127.0.0.1, shared by two data folders."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
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
    writer = Settings(corpus_dir=corpus, data_dir=tmp_path / "writer", chroma_url=chroma_server, refusal_threshold=0.0)
    report = Ingestor(writer, emb).run()
    assert report.ok and report.total_chunks > 0
    assert not (writer.chroma_path).exists()  # nothing embedded locally

    # A second app process with its own (empty) data folder: BM25 is rebuilt from the server's chunks.
    reader = writer.replace(data_dir=tmp_path / "reader")
    bot = Assistant(reader, embedder=emb)
    a = bot.ask("how do I apply for a position on the alpha board?")
    assert a.citations and a.citations[0].doc_id == "alpha"
    assert (reader.bm25_path / "ids.json").is_file()
    assert {d.doc_id for d in bot.documents()} == {"alpha", "beta", "gamma"}
