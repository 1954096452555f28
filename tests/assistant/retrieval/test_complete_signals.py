"""Every candidate is scored on both retrievers' terms, whichever list it came from."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import Assistant
from assistant.retrieval.embeddings import Embedder
from assistant.retrieval.retrieve import Retriever
from assistant.retrieval.rewrite import expand

QUESTION = "How were clinical commissioners recruited in Kent?"


def test_a_candidate_one_retriever_missed_gets_that_retrievers_score(bot: Assistant, minilm: Embedder) -> None:
    index = bot.index
    # Five from each list out of ~145 passages: most candidates come from one list only.
    retriever = Retriever(bot.settings.replace(candidates=5), bot.store, index)
    qvec = minilm.embed([QUESTION])[0]
    cands = retriever.candidates(QUESTION, qvec)
    every = dict(index.dense(qvec, len(index.chunks)))
    bm25 = index.lexical.scores(expand(QUESTION))
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
    ids = [cid for cid, _ in near[10:]] + ["no-such-chunk"]
    sims = index.similarities(qvec, ids)
    assert set(sims) == set(ids) - {"no-such-chunk"}
    for cid, sim in near[10:]:
        assert sims[cid] == pytest.approx(sim, abs=1e-4)
    assert index.similarities(qvec, []) == {}
    assert all(np.isfinite(list(sims.values())))
