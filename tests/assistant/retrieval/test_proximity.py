"""The proximity signal: a question's neighbouring words found near each other in a passage."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import Assistant
from assistant.retrieval.index import search_text
from assistant.retrieval.lexical import LexicalIndex, proximity, term_pairs, terms
from assistant.retrieval.retrieve import RerankWeights


def test_pairs_are_each_term_with_the_next_two_once() -> None:
    q = terms("who sits on a CCG board, and what does the board do?")
    assert q == ["sit", "ccg", "board", "board"]
    assert term_pairs(q) == [("sit", "ccg"), ("sit", "board"), ("ccg", "board")]
    assert term_pairs(q, span=1) == [("sit", "ccg"), ("ccg", "board")]
    assert term_pairs(["board"]) == []


def test_a_pair_counts_when_its_words_stand_near_each_other_in_either_order() -> None:
    pairs = [("ccg", "board"), ("secondari", "care")]
    weights = [3.0, 1.0]
    near = terms("Every CCG board will include a secondary care doctor.")
    reversed_ = terms("The board of each CCG includes a doctor from secondary care.")
    apart = terms("CCG representatives should be mindful of conflicts of interest on the health and wellbeing board.")
    assert proximity(pairs, weights, near) == pytest.approx(1.0)
    assert proximity(pairs, weights, reversed_) == pytest.approx(1.0)  # "board each ccg": two apart
    assert proximity(pairs, weights, apart) == 0.0  # both words, seven terms apart
    assert proximity(pairs, weights, apart, window=7) == pytest.approx(0.75)
    # Weighted: the rarer pair counts for more.
    assert proximity(pairs, weights, terms("a CCG board and a doctor")) == pytest.approx(0.75)
    assert proximity([], [], near) == 0.0


def test_the_reranker_adds_the_weighted_proximity(bot: Assistant) -> None:
    question = "who sits on a CCG board?"
    [part] = bot.retrieve(question)
    assert any(c.proximity > 0 for c in part.cands) and any(c.proximity == 0 for c in part.cands)
    # The passage that says "every CCG board will include ..." holds the pair "ccg board".
    board = next(c for c in part.cands if "every CCG board will include" in c.chunk.text)
    assert board.proximity > 0
    [plain] = bot.retrieve(question, weights=RerankWeights(proximity=0.0))
    lifted = {c.chunk.chunk_id: (c.score, c.dense) for c in part.cands}
    w = RerankWeights()
    for c in plain.cands:
        score, dense = lifted[c.chunk.chunk_id]
        # Less the dense similarity of a BM25-only passage read in one run and not the other.
        assert score == pytest.approx(c.score + w.proximity * c.proximity + w.dense * (dense - c.dense))


def test_bm25_columns_say_which_passages_hold_a_term() -> None:
    texts = [
        "Every CCG board will include a secondary care doctor.",
        "The health and wellbeing board meets quarterly.",
        "CCGs commission secondary care.",
        "",
    ]
    index = LexicalIndex.build([f"c{i}" for i in range(len(texts))], texts)
    rows = np.array([3, 0, 2, 1])
    for term in {t for text in texts for t in terms(text)} | {"absent"}:
        expected = [term in terms(texts[r]) for r in rows]
        assert index.holding(term, rows).tolist() == expected, term


def test_passages_skipped_by_the_bm25_check_are_those_without_a_pair(bot: Assistant) -> None:
    # The reranker reads a passage's text for proximity only when BM25's matrix says it holds
    # both words of some pair; every candidate must score as if all had been read.
    for question in ("who sits on a CCG board?", "how do GP practices get involved in commissioning decisions?"):
        [part] = bot.retrieve(question)
        ordered = bot.index.lexical.query_terms(question)
        pairs = term_pairs(ordered)
        weights = [bot.index.idf(a) + bot.index.idf(b) for a, b in pairs]
        assert any(c.proximity == 0 for c in part.cands)
        for c in part.cands:
            assert c.proximity == pytest.approx(proximity(pairs, weights, terms(search_text(c.chunk))))
