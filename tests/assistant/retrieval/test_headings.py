"""The heading signal: a document's title heads every one of its sections."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.retrieval.retrieve import RerankWeights

KENT_DOC = "kent-clinical-commissioning"
QUESTION = "How were clinical commissioners recruited in Kent?"


def test_the_title_counts_for_every_section_of_its_document(bot: Assistant) -> None:
    [part] = bot.retrieve(QUESTION)
    kent = [c for c in part.cands if c.chunk.doc_id == KENT_DOC]
    others = [c for c in part.cands if c.chunk.doc_id != KENT_DOC]
    assert len(kent) > 3 and others
    # "Kent" is in the title, so no Kent section goes without it; the sections' own headings
    # (what answerability and composing read) mostly do not say it.
    assert all(c.titled >= c.heading for c in part.cands)
    assert all(c.titled > 0 for c in kent)
    assert sum(c.titled > c.heading for c in kent) >= len(kent) - 1
    assert all(c.titled == c.heading for c in others if "kent" not in c.chunk.title.lower())
    # The section whose heading repeats the title ("How to make clinical commissioning work (NHS
    # Eastern and Coastal Kent)") gets no edge from it over the sections that answer.
    assert max(c.heading for c in kent) > min(c.heading for c in kent)
    assert len({round(c.titled, 9) for c in kent}) == 1


def test_the_reranker_weighs_the_titled_heading(bot: Assistant) -> None:
    def scores(weights: RerankWeights) -> dict[str, float]:
        [part] = bot.retrieve(QUESTION, weights=weights)
        return {c.chunk.chunk_id: c.score for c in part.cands}

    [part] = bot.retrieve(QUESTION)
    without = scores(RerankWeights(heading=0.0))
    with_heading = scores(RerankWeights(heading=0.1))
    for c in part.cands:
        assert with_heading[c.chunk.chunk_id] == pytest.approx(without[c.chunk.chunk_id] + 0.1 * c.titled)
