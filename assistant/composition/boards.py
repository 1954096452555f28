"""Which board "the board" is: a sentence's own words, or the section it stands under.

"Who has to sit on a CCG board?" was answered, after the CCG board's members, with "Local
authorities have been given the freedom to determine how many local authority representatives sit
on the board." That board is the health and wellbeing board its section is about ("Health and
wellbeing boards › Partnership working"); quoted under a question about CCG boards, it reads as a
rule for them. A sentence that says only "the board", under a section that names a different kind
of board from every one the ask names, is about that other board.

A board is told apart by the word before "board": "CCG board", "health and wellbeing board",
"urgent care board", "NHS Commissioning Board". An ask that names no kind of board ("who sits on
the board?") is not read: any board may be the one meant.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

# The word before "board(s)" that says which kind it is; "the board" and "its board" say nothing.
_KIND = re.compile(r"\b([\w'’&-]+)\s+boards?\b", re.I)
_NOT_KINDS = frozenset(
    {"the", "a", "an", "its", "their", "our", "your", "his", "her", "this", "that", "these", "those", "each", "every"}
    | {"any", "one", "on", "of", "to", "new", "local", "same", "whole", "main", "s", "'s", "’s"}
)
_THE_BOARD = re.compile(r"\bthe board\b", re.I)


def board_kinds(text: str) -> frozenset[str]:
    """The kinds of board `text` names, by the word before "board" ("CCG board" -> "ccg",
    "CCG's board" -> "ccg", "health and wellbeing boards" -> "wellbeing")."""
    out = set()
    for word in _KIND.findall(text):
        kind = re.sub(r"['’]s$", "", word.lower())
        if kind not in _NOT_KINDS:
            out.add(kind.removesuffix("s") if kind.endswith("ccgs") else kind)
    return frozenset(out)


def another_board(asked: AbstractSet[str], sentence: str, section: str) -> bool:
    """Whether `sentence`'s "the board" is a kind of board other than any the ask names
    (`asked`, from `board_kinds`): it names no board of its own and its section names only others."""
    if not asked or not _THE_BOARD.search(sentence) or board_kinds(sentence):
        return False
    kinds = board_kinds(section)
    return bool(kinds) and not kinds & asked
