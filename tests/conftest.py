"""Shared fixtures: the real packaged model and a real index of the real corpus, built once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant import Assistant, Settings
from assistant.retrieval.onnx_embedder import OnnxEmbedder
from assistant.types import Embedder
from assistant.wiring import build_embedder
from ingest.pipeline import Ingestor

ROOT = Path(__file__).resolve().parent.parent
# A real PostgreSQL server (and the SQLite/PostgreSQL-parametrised `database_url`) for store tests.
pytest_plugins = ["tests.postgres"]


@pytest.fixture(scope="session")
def _session_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.mktemp("real")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    return Settings(corpus_dir=corpus, data_dir=base / "var")


@pytest.fixture(scope="session")
def minilm(_session_settings: Settings) -> Embedder:
    """The packaged model on the default runtime (ONNX), exported into the session index's data
    directory, so processes the tests start on that index find the export ready."""
    e = build_embedder(_session_settings)
    assert isinstance(e, OnnxEmbedder)
    e.warm()
    return e


@pytest.fixture(scope="session")
def corpus_settings(_session_settings: Settings, minilm: Embedder) -> Settings:
    """Settings pointing at a throw-away copy of corpus/ with a fresh index of it."""
    report = Ingestor(_session_settings, minilm).run()
    assert report.ok, report.table()
    return _session_settings


@pytest.fixture(scope="session")
def bot(corpus_settings: Settings, minilm: Embedder) -> Assistant:
    a = Assistant(corpus_settings, embedder=minilm)
    a.warm()
    return a


@pytest.fixture()
def env_for(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Point ASSISTANT_* variables at given settings (for subprocesses and Streamlit)."""

    def apply(settings: Settings) -> dict[str, str]:
        values = {"ASSISTANT_CORPUS_DIR": str(settings.corpus_dir), "ASSISTANT_DATA_DIR": str(settings.data_dir)}
        for k, v in values.items():
            monkeypatch.setenv(k, v)
        return {**os.environ, **values}

    return apply
