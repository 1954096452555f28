"""Every candidate is scored on both retrievers' terms, whichever list it came from."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.retrieval.docfiles import DocFiles
from assistant.retrieval.retrieve import Retriever
from assistant.retrieval.rewrite import expand
from assistant.types import Embedder
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, write_small_corpus

QUESTION = "How were clinical commissioners recruited in Kent?"


def test_a_candidate_one_retriever_missed_gets_that_retrievers_score(bot: Assistant, minilm: Embedder) -> None:
    index = bot.index
    # Five from each list out of ~145 passages: most candidates come from one list only. (Not
    # QUESTION: since passages are indexed under their title, both lists for it are the Kent
    # document's same five.)
    question = "What are the new commissioning structures?"
    retriever = Retriever(bot.settings.replace(candidates=5), bot.store, index)
    qvec = minilm.embed([question])[0]
    cands = retriever.candidates(question, qvec)
    every = dict(index.dense(qvec, len(index.chunks)))
    bm25 = index.lexical.scores(expand(question))
    dense_top = {cid for cid, _ in index.dense(qvec, 5)}
    assert any(c.chunk.chunk_id not in dense_top for c in cands), "some candidate came from BM25 alone"
    for c in cands:
        # The value Chroma's nearest-neighbour query gives for that passage, and its BM25 score.
        assert c.dense == pytest.approx(every[c.chunk.chunk_id], abs=1e-4)
        row = index.lexical_row(c.chunk.chunk_id)
        assert row is not None
        assert c.lexical == pytest.approx(float(bm25[row]))
    scores = [c.score for c in cands]
    assert scores == sorted(scores, reverse=True)


def test_the_best_top_k_are_those_of_reading_every_missing_vector(bot: Assistant, minilm: Embedder) -> None:
    index = bot.index
    retriever = Retriever(bot.settings, bot.store, index)
    k = bot.settings.top_k
    from_bm25_alone = 0
    for question in (
        QUESTION,
        "What happened with pulmonary emboli at the acute GP service in Plymouth?",
        "What are the new commissioning structures?",
    ):
        qvec = minilm.embed([question])[0]
        cands = retriever.candidates(question, qvec)
        every = dict(index.dense(qvec, len(index.chunks)))
        dense_list = {cid for cid, _ in index.dense(qvec, bot.settings.candidates)}
        from_bm25_alone += sum(c.chunk.chunk_id not in dense_list for c in cands[:k])
        # Passages BM25 alone returned whose vectors were not read: they could not reach the top k.
        skipped = [c for c in cands if c.dense == 0.0]
        assert skipped, question
        full = {
            c.chunk.chunk_id: c.score + retriever.weights.dense * (every[c.chunk.chunk_id] - c.dense) for c in cands
        }
        best = sorted(full, key=lambda cid: -full[cid])[:k]
        assert [c.chunk.chunk_id for c in cands[:k]] == best, question
        assert all(c.dense == pytest.approx(every[c.chunk.chunk_id], abs=1e-4) for c in cands[:k])
    # The questions are ones where a passage BM25 alone returned reaches the top k.
    assert from_bm25_alone >= 2


def test_similarities_read_by_id_match_the_nearest_neighbour_query(bot: Assistant, minilm: Embedder) -> None:
    index = bot.index
    qvec = minilm.embed(["Who sits on a CCG board?"])[0]
    near = index.dense(qvec, 20)
    chunks = [index.by_id[cid] for cid, _ in near[10:]]
    # Read from the chunk-vector files ingest wrote, not from Chroma.
    assert all(index._files.chunk_row(c.doc_hash, c.position) is not None for c in chunks)
    gone = dataclasses.replace(chunks[0], chunk_id="no-such-chunk", doc_hash="no-such-document")
    sims = index.similarities(qvec, [*chunks, gone])
    assert set(sims) == {c.chunk_id for c in chunks}
    for cid, sim in near[10:]:
        assert sims[cid] == pytest.approx(sim, abs=1e-4)
    assert index.similarities(qvec, []) == {}
    assert all(np.isfinite(list(sims.values())))


def test_a_document_without_its_chunk_vector_file_is_read_from_chroma_once(tmp_path: Path) -> None:
    """An index written before chunk-vector files existed (or another machine's): the vectors
    come from Chroma, equal to what ingest wrote, and the file is written for next time."""
    settings = Settings(corpus_dir=write_small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "var")
    embedder = HashEmbedder()
    assert Ingestor(settings, embedder).run().ok
    bot = Assistant(settings, embedder=embedder)
    index = bot.index
    chunks = list(index.chunks)
    qvec = embedder.embed(["beta members pension"])[0]
    written = index.similarities(qvec, chunks)
    files = DocFiles.of(settings.data_dir, embedder.model_id)
    removed = {c.doc_hash for c in chunks}
    for doc_hash in removed:
        (files.root / f"{doc_hash}.chunks.npy").unlink()
    fresh = Assistant(settings, embedder=embedder).index
    assert all(fresh._files.chunk_row(c.doc_hash, c.position) is None for c in chunks)
    again = fresh.similarities(qvec, chunks)
    assert again.keys() == written.keys()
    assert all(again[k] == pytest.approx(written[k], abs=1e-6) for k in written)
    assert all((files.root / f"{h}.chunks.npy").is_file() for h in removed)
    # Chroma's stored vectors are the ones in the file.
    stored = bot.store.vectors([c.chunk_id for c in chunks])
    for c in chunks:
        row = fresh._files.chunk_row(c.doc_hash, c.position)
        assert row is not None and np.allclose(row, stored[c.chunk_id], atol=1e-6)
