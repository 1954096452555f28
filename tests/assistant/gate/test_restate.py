"""Requests to shorten the previous answer or set it out as bullet points."""

from __future__ import annotations

import pytest

from assistant.gate.restate import SUMMARY_SENTENCES, Restate, question_and_form, restate_request


@pytest.mark.parametrize(
    ("message", "sentences", "bullets"),
    [
        ("give me that in one sentence", 1, False),
        ("ok, in one sentence please", 1, False),
        ("Summarise that in two lines", 2, False),
        ("sum it up in a sentence", 1, False),
        ("Give me it in 1 line", 1, False),
        ("tl;dr", 1, False),
        ("in a nutshell?", 1, False),
        ("shorter", SUMMARY_SENTENCES, False),
        ("can u make it shorter pls", SUMMARY_SENTENCES, False),
        ("too long", SUMMARY_SENTENCES, False),
        ("summarise", SUMMARY_SENTENCES, False),
        ("put that in bullet points pls", None, True),
        ("<@U123> bullet points", None, True),
        ("as a list please", None, True),
        ("can you put that in 3 bullet points please", 3, True),
        ("what's the key point?", 1, False),
        ("what is the bottom line", 1, False),
        ("what are the main points", SUMMARY_SENTENCES, False),
    ],
)
def test_a_request_to_restate_says_how(message: str, sentences: int | None, bullets: bool) -> None:
    assert restate_request(message) == Restate(sentences, bullets)


def test_the_top_few_are_the_first_few_and_said_to_be_unranked() -> None:
    assert restate_request("just the top 3 pls") == Restate(3, False, first=True)
    assert restate_request("give me the first two") == Restate(2, False, first=True)
    assert restate_request("top three reasons please") == Restate(3, False, first=True)


@pytest.mark.parametrize(
    "message",
    [
        "summarise the BMA's concerns",  # a question: it names what to summarise
        "what is a CCG in one sentence",  # a question with a layout (below)
        "explain that more simply",  # new words, which quoting cannot give
        "compare the two in a short table",
        "list the members of a CCG board",
        "could you list that",
        "points",  # a word searched
        "list",
        "sentences",
        "first point",
    ],
)
def test_other_messages_are_not_requests_to_restate(message: str) -> None:
    assert restate_request(message) is None


def test_a_question_ending_in_a_layout_is_split_from_it() -> None:
    assert question_and_form("What does a CSU do, in bullet points?") == ("What does a CSU do?", Restate(None, True))
    assert question_and_form("what is a CCG in one sentence") == ("what is a CCG", Restate(1, False))
    assert question_and_form("who sits on a ccg board - in two lines pls") == (
        "who sits on a ccg board",
        Restate(2, False),
    )
    # A layout alone is a request about the previous answer; "as a locum" is no layout.
    assert question_and_form("in one sentence please") is None
    assert question_and_form("can I sit on the board as a locum?") is None
    assert question_and_form("what is said in the first sentence?") is None
