"""What a caller may pass as a question and its history."""

from __future__ import annotations

import pytest

from assistant.errors import QuestionError
from assistant.question import clean_question, turns_of
from assistant.types import Turn


def test_control_characters_runs_of_space_and_lone_surrogates_are_cleaned() -> None:
    assert clean_question("  how do I\tget on\n a board?\x00 ") == "how do I get on a board?"
    assert clean_question("pension \udce2 question") == "pension \ufffd question"


def test_anything_but_text_is_a_question_error_naming_its_type() -> None:
    with pytest.raises(QuestionError, match="must be text, not int"):
        clean_question(42)


def test_history_is_read_from_turns_and_mappings() -> None:
    turns = turns_of([{"role": "user", "content": "what is a CCG?\n"}, Turn("assistant", "A group. [1]")])
    assert turns == [Turn("user", "what is a CCG?"), Turn("assistant", "A group. [1]")]


@pytest.mark.parametrize("history", ["what is a CCG?", 3, [("user", "what is a CCG?")], [{"role": "user"}]])
def test_history_of_another_shape_is_a_question_error(history: object) -> None:
    with pytest.raises(QuestionError, match="history"):
        turns_of(history)  # type: ignore[arg-type]
