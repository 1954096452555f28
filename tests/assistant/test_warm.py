"""`Assistant.warm`: everything a first question needs is loaded, side by side, before it comes;
a failure in any of it is raised to the caller, not lost in a worker thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, IndexMissingError, Settings
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, HashQAEmbedder, write_small_corpus


def test_warm_loads_the_index_the_models_and_the_nearest_neighbour_index(tmp_path: Path) -> None:
    settings = Settings(
        corpus_dir=write_small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "var", collection="warm"
    )
    assert Ingestor(settings, HashEmbedder()).run().ok
    embedder, qa = HashEmbedder(), HashQAEmbedder()
    a = Assistant(settings, embedder=embedder, qa_embedder=qa)
    a.warm()
    assert a._index is not None  # loaded, not left for the first question
    assert embedder.calls == 1 and qa.queries_embedded == 1
    name = a.store.names(a.store.view().generation)[0]
    assert name in a.store._cols  # the chunk collection is open, its count taken
    before = embedder.calls
    answer = a.ask("How do I apply for a position on the alpha board?")
    assert embedder.calls == before + 1  # the question's own embedding, nothing left to load
    assert answer.citations


def test_warm_raises_what_a_loader_raised(tmp_path: Path) -> None:
    settings = Settings(
        corpus_dir=write_small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "var", collection="warm"
    )
    a = Assistant(settings, embedder=HashEmbedder(), qa_embedder=HashQAEmbedder())
    with pytest.raises(IndexMissingError):
        a.warm()  # nothing ingested: the index's loader fails while the models load beside it
