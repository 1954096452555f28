"""Property-based: whatever a caller passes as a question, `Assistant.ask` answers, refuses or
raises a named AssistantError, and does so within a time bound."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import Answer, Assistant, AssistantError

FAST = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "40")),
    deadline=5000,  # ms per example; a warm ask takes ~10-50 ms, a huge one is truncated first
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any code point, lone surrogates and control characters included, with commissioning words mixed
# in so some examples retrieve real passages and reach the composer.
WORDS = st.sampled_from(["CCG", "board", "pension", "commissioning", "GP", "?", "\n", "and", "[1]", "£"])
TEXT = st.lists(st.one_of(st.text(min_size=0, max_size=40), WORDS), max_size=30).map(" ".join)


def check(answer: Answer) -> None:
    assert isinstance(answer.text, str) and answer.text
    answer.text.encode("utf-8")  # nothing unencodable reaches an interface
    # "no_question": a message of greetings, thanks or acknowledgements ("ok thanks") gets a
    # reply without sources.
    assert answer.outcome in {"answer", "partial", "refuse", "no_question"}
    assert answer.refused == (answer.outcome == "refuse")
    assert not (answer.outcome == "no_question" and answer.citations)
    numbers = {c.n for c in answer.citations}
    assert numbers == set(range(1, len(answer.citations) + 1))


@FAST
@given(question=TEXT)
def test_any_string_is_answered_or_refused(bot: Assistant, question: str) -> None:
    try:
        check(bot.ask(question))
    except AssistantError as exc:  # e.g. an empty question: named, never a crash
        assert "question" in str(exc).lower()


@FAST
@given(question=st.text(min_size=2000, max_size=20000))
def test_huge_questions_are_bounded(bot: Assistant, question: str) -> None:
    try:
        check(bot.ask(question))
    except AssistantError as exc:
        assert "question" in str(exc).lower()


@FAST
@given(
    question=st.one_of(
        st.binary(), st.integers(), st.floats(), st.none(), st.lists(st.text()), st.dictionaries(st.text(), st.text())
    )
)
def test_anything_but_a_string_is_a_named_error(bot: Assistant, question: object) -> None:
    try:
        bot.ask(question)  # type: ignore[arg-type]
    except AssistantError as exc:
        assert "question" in str(exc).lower()
    else:
        raise AssertionError(f"{type(question).__name__} was accepted as a question")
