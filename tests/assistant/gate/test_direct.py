"""Messages answered without searching, and what the others search for."""

from __future__ import annotations

from assistant.gate.direct import Search, before_search
from assistant.messages import render
from assistant.types import Answer, Turn

EARLIER = [
    Turn("user", "What does a CSU do, in bullet points?"),
    Turn("assistant", "Commissioning support encompasses a range of functions. [1]"),
]


def test_a_question_is_searched_as_asked() -> None:
    search = before_search("how do I get on a CCG board?", EARLIER)
    assert search == Search("how do I get on a CCG board?", EARLIER, None)


def test_a_message_in_another_language_is_told_what_is_read() -> None:
    answer = before_search("¿Cómo puedo formar parte de la junta de un CCG?", [])
    assert isinstance(answer, Answer)
    assert answer.refused and answer.text == render("refusal_language")


def test_small_talk_gets_its_reply_and_no_search() -> None:
    answer = before_search("thanks!", EARLIER)
    assert isinstance(answer, Answer) and answer.outcome == "no_question"
    assert not answer.refused and answer.citations == []


def test_a_restatement_searches_the_earlier_question_without_its_layout() -> None:
    search = before_search("shorter please", EARLIER)
    assert isinstance(search, Search)
    # The earlier question, stripped of the form it asked for, and the turns before it.
    assert search.asked == "What does a CSU do?" and search.turns == []
    assert search.restate is not None


def test_a_restatement_with_nothing_before_it_says_so() -> None:
    answer = before_search("in one sentence please", [])
    assert isinstance(answer, Answer) and answer.text == render("restate_nothing")


def test_a_question_asking_for_a_form_is_searched_without_it() -> None:
    search = before_search("What does a CSU do, in bullet points?", [])
    assert isinstance(search, Search) and search.asked == "What does a CSU do?"
    assert search.restate is not None and search.restate.bullets
