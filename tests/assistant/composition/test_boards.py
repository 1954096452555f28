"""Which board "the board" is (`assistant/composition/boards.py`)."""

from __future__ import annotations

from assistant import Assistant
from assistant.composition.boards import another_board, board_kinds

HWB = "Health and wellbeing boards › Partnership working"
SAID = (
    "Local authorities have been given the freedom to determine how many local authority representatives "
    "sit on the board."
)


def test_the_kinds_of_board_a_text_names() -> None:
    assert board_kinds("Who has to sit on a CCG board?") == {"ccg"}
    assert board_kinds("what about the CCG's board and the CCGs boards") == {"ccg"}
    assert board_kinds("Health and wellbeing boards › Partnership working") == {"wellbeing"}
    assert board_kinds("the urgent care board and the NHS Commissioning Board") == {"care", "commissioning"}
    # "the board", "its board": no kind.
    assert board_kinds("who sits on the board, and who chairs its board?") == frozenset()


def test_the_board_of_a_section_on_another_kind_is_another_board() -> None:
    assert another_board(board_kinds("Who has to sit on a CCG board?"), SAID, HWB)
    # The ask is about that kind of board, or names none: any board may be the one meant.
    assert not another_board(board_kinds("who sits on the health and wellbeing board?"), SAID, HWB)
    assert not another_board(board_kinds("who sits on the board?"), SAID, HWB)
    # The sentence names its board, or says no "the board", or its section names no board.
    assert not another_board({"ccg"}, "Every CCG board will include a nurse and the board meets monthly.", HWB)
    assert not another_board({"ccg"}, "CCGs need to participate fully.", HWB)
    assert not another_board({"ccg"}, SAID, "Clinical commissioning groups (CCGs)")


def test_a_ccg_boards_members_are_not_a_health_and_wellbeing_boards(bot: Assistant) -> None:
    """Quoted under "Who has to sit on a CCG board?", the health and wellbeing board's local
    authority representatives read as a rule for CCG boards."""
    answer = bot.ask("Who has to sit on a CCG board?")
    assert "at least one hospital doctor, nurse and member of the public" in answer.text
    assert "local authority representatives sit on the board" not in answer.text, answer.text
    # Asked about health and wellbeing boards, the sentence is theirs.
    theirs = bot.ask("who decides how many local authority people sit on a health and wellbeing board?")
    assert "local authority representatives sit on the board" in theirs.text, theirs.text
