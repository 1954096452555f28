"""An ask that names a place or body is answered from the passages naming it: another place's
figure does not pass for its answer (`LoadedIndex.names`, `LoadedIndex.holding`, compose's
`naming`, the FIGURE_UNNAMED cap), against the real corpus."""

from __future__ import annotations

import json

import pytest

from assistant import Assistant
from assistant.gate.answerability import FIGURE_UNNAMED

SUNDERLAND = "By how much did referrals fall in Sunderland after primary and secondary care started working together?"


def test_names_are_words_the_corpus_only_writes_capitalised(bot: Assistant) -> None:
    names = bot.index.names
    assert names("How much did Coventry PCT save?") == {"coventri"}  # the stem need not begin the word
    assert names("and in tower hamlets?") == {"tower", "hamlet"}
    # Common words, and rare ones the corpus also writes in lower case, are not names.
    assert names("how were they recruited?") == frozenset()
    assert names("who pays for the referrals?") == frozenset()


def test_a_passage_holds_its_publisher_name(bot: Assistant) -> None:
    chunks = list(bot.index.by_id.values())
    bma = [c for c in chunks if c.publisher == "BMA"]
    held = bot.index.holding(frozenset({"bma"}), chunks)
    assert bma and {c.chunk_id for c in bma} <= held
    sunderland = bot.index.holding(frozenset({"sunderland"}), chunks)
    assert sunderland and all("Sunderland" in bot.index.by_id[cid].text for cid in sunderland)


def test_an_acronym_is_held_where_its_name_is_written_out(bot: Assistant) -> None:
    """ "wot happened to PCTs n SHAs": the quick guide's "Primary care trusts and strategic health
    authorities were abolished ..." names both. Held only by passages writing "PCTs", it was
    marked down as another place's, and the answer opened on fundholding's demise instead."""
    chunks = list(bot.index.by_id.values())
    held = bot.index.holding(frozenset({"pct", "sha"}), chunks)
    written = [c for c in chunks if "Primary care trusts and strategic health authorities were abolished" in c.text]
    assert written and {c.chunk_id for c in written} <= held
    answer = bot.ask("retired gp thinkin of coming back, wot happened to PCTs n SHAs")
    assert answer.text.startswith("Primary care trusts and strategic health authorities were abolished")
    # The names the letters stand for, not every phrase the synonym list searches with.
    support = [c for c in chunks if "commissioning support" in c.text.lower() and "csu" not in c.text.lower()]
    support = [c for c in support if "commissioning support unit" not in c.text.lower()]
    assert support and not {c.chunk_id for c in support} & bot.index.holding(frozenset({"csu"}), support)


def test_a_figure_from_another_place_is_not_the_answer(bot: Assistant) -> None:
    """The only Sunderland passage says collaboration "has begun" and gives no figure; City and
    Hackney's "4% reduction in secondary care referrals" had opened the answer, as an answer."""
    answer = bot.ask(SUNDERLAND)
    assert answer.outcome == "partial"
    assert "Hackney" not in answer.text
    assert "In Sunderland, collaboration between primary and secondary care has begun" in answer.text
    [part] = answer.answerability
    assert part["signals"][FIGURE_UNNAMED] == 1.0


@pytest.mark.parametrize(
    "question, figure",
    [
        ("how many gps did kent appoint as clinical commissioners?", "11 GPs"),
        ("How much did City and Hackney cut outpatient spending by?", "£2.1 million"),
    ],
)
def test_a_figure_the_named_place_gives_is_still_the_answer(bot: Assistant, question: str, figure: str) -> None:
    answer = bot.ask(question)
    assert answer.outcome == "answer", json.dumps(answer.answerability)
    assert figure in answer.text
    assert FIGURE_UNNAMED not in answer.answerability[0]["signals"]
