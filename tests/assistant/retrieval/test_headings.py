"""The heading signal: a document's title heads every one of its sections."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.retrieval.retrieve import QUESTION_HEADING, RerankWeights

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
    def scores(weights: RerankWeights) -> dict[str, tuple[float, float]]:
        [part] = bot.retrieve(QUESTION, weights=weights)
        return {c.chunk.chunk_id: (c.score, c.dense) for c in part.cands}

    [part] = bot.retrieve(QUESTION)
    without = scores(RerankWeights(heading=0.0))
    with_heading = scores(RerankWeights(heading=0.1))
    dense_weight = RerankWeights().dense
    for c in part.cands:
        (a, dense_a), (b, dense_b) = with_heading[c.chunk.chunk_id], without[c.chunk.chunk_id]
        # Less the dense similarity of a BM25-only passage read in one run and not the other
        # (read only where it can reach the top k).
        assert a - dense_weight * dense_a == pytest.approx(b - dense_weight * dense_b + 0.1 * c.titled)


def test_a_what_is_question_favours_passages_that_define_what_is_asked(bot: Assistant) -> None:
    question = "What does a health and wellbeing board do?"
    [part] = bot.retrieve(question)
    defining = [c for c in part.cands if c.defining]
    assert defining and len(defining) < len(part.cands)
    # "Each council will have a health and well-being board that will bring together ...": the
    # section that says what the boards do, among the first two. (First until passages were
    # indexed under their document's title: the sections on how the boards are organised score
    # within 0.02 of it.)
    assert any("Each council will have a health and well-being board" in c.chunk.text for c in part.cands[:2])
    lifted = {c.chunk.chunk_id: (c.score, c.dense) for c in part.cands}
    [plain] = bot.retrieve(question, weights=RerankWeights(definition=0.0))
    dense_weight = RerankWeights().dense
    for c in plain.cands:
        score, dense = lifted[c.chunk.chunk_id]
        lift = (0.05 if c.defining else 0.0) + dense_weight * (dense - c.dense)
        assert score == pytest.approx(c.score + lift)
    # Not a "what is" question: nothing is lifted.
    [other] = bot.retrieve("How do I get on a CCG board?")
    assert not any(c.defining for c in other.cands)


def test_a_bare_how_or_why_heading_is_indexed_with_the_documents_title() -> None:
    from assistant.retrieval.docfiles import passage_text
    from assistant.retrieval.index import search_text
    from assistant.types import Chunk

    def chunk(section: str) -> Chunk:
        return Chunk("c", "d", "d.txt", "Get involved in commissioning", "", "2012", section, None, 0, 4, "Text")

    assert passage_text(chunk("How? › 1. Positions on the board")) == (
        "How? Get involved in commissioning › 1. Positions on the board\nText"
    )
    assert passage_text(chunk("Why?")) == "Why? Get involved in commissioning\nText"
    # A heading that asks in its own words, or names its subject, stays as it is.
    assert passage_text(chunk("How is it going with your board?")) == "How is it going with your board?\nText"
    assert passage_text(chunk("Local examples › Example 1")) == "Local examples › Example 1\nText"
    # Both retrievers index every passage under its document's title as well: a passage deep in
    # a document rarely names what the document is about.
    assert search_text(chunk("Local examples › Example 1")) == (
        "Get involved in commissioning › Local examples › Example 1\nText"
    )


def test_a_passage_that_never_names_its_subject_is_found_by_its_documents_title(bot: Assistant) -> None:
    """The Kent PCT's "Top tips" list names neither Kent nor the PCT; its document's title does."""
    [part] = bot.retrieve("What advice did NHS Eastern and Coastal Kent give on picking the right clinicians?")
    top = [c.chunk for c in part.cands[:3]]
    assert any("Select clinicians who are already networking" in c.text for c in top), [c.section for c in top]


def test_an_acronym_is_searched_by_meaning_as_well_as_letters(bot: Assistant) -> None:
    """ "Who replaced PCTs and SHAs?": the passage saying "Primary care trusts and strategic health
    authorities were abolished and in their place clinical commissioning groups ..." was sixth,
    under passages holding the letters ("SHAs to be abolished", "... undertaken by PCTs and SHAs");
    the embedding model reads the acronyms spelt out."""
    [part] = bot.retrieve("Who replaced PCTs and SHAs?")
    assert "strategic health authorities were abolished" in part.cands[0].chunk.text
    # The answerability model judges the ask as written: its passage similarity is not the
    # spelt-out query's.
    assert part.signals["dense"] < part.cands[0].dense


def test_a_section_headed_by_the_asks_own_question_is_lifted(bot: Assistant) -> None:
    def why_gps(question: str) -> tuple[int, float, float]:
        [part] = bot.retrieve(question, k=100)
        at = next(i for i, c in enumerate(part.cands) if c.chunk.section.endswith("› Why GPs?"))
        return at, part.cands[at].titled, part.cands[at].heading

    # "Why GPs?": the same question word, and every word of the heading in the ask.
    rank, titled, heading = why_gps("Why were GPs chosen to lead commissioning rather than hospital doctors?")
    assert titled >= heading + QUESTION_HEADING - 1e-9 and rank < 12
    # Another question word, or a heading word the ask lacks, gets nothing.
    _, titled, heading = why_gps("How were GPs chosen to lead commissioning rather than hospital doctors?")
    assert titled < heading + QUESTION_HEADING
    [part] = bot.retrieve("Why commit to commissioning?", k=100)
    assert all(c.titled < QUESTION_HEADING for c in part.cands if c.chunk.section.endswith("› Why GPs?"))


def test_a_headings_first_person_is_its_publisher(bot: Assistant) -> None:
    """The BMA's "What are our concerns?" states the BMA's concerns: "bma concerns commissioning"
    ranked the health and wellbeing boards' "What the BMA thinks" above it."""
    [part] = bot.retrieve("bma concerns commissioning")
    assert part.cands[0].chunk.section.endswith("What are our concerns?"), [c.chunk.section for c in part.cands[:3]]
    concerns = part.cands[0]
    assert concerns.heading > 0 and concerns.chunk.publisher == "BMA"
    # Another publisher's "our" is not the BMA's.
    [other] = bot.retrieve("bmj concerns commissioning")
    assert not any(c.chunk.section.endswith("What are our concerns?") and c.heading > 0.5 for c in other.cands[:1])


@pytest.mark.parametrize(
    "question", ["What are the BMA's main worries about the reforms?", "What reservations did the BMA have?"]
)
def test_worries_and_reservations_are_the_guidances_concerns(bot: Assistant, question: str) -> None:
    """The synonym list's everyday words for the guidance's pros and cons: "What are our
    concerns?" was not among the first ten passages for either."""
    [part] = bot.retrieve(question)
    assert any(c.chunk.section.endswith("What are our concerns?") for c in part.cands[:5])
