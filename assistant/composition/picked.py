"""A sentence the extractive composer has picked for an answer, and where it came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..retrieval.sentences import quotable

if TYPE_CHECKING:
    import numpy as np

    from ..retrieval.retrieve import Candidate


@dataclass
class Picked:
    passage: int  # index into the candidate list
    sentence: int
    text: str
    score: float
    # The second sentence of a list item ("• GPs were not allowed to hold real budgets.
    # Responsibility ... remained with PCTs"): shown on its item's line.
    joins: bool = False
    # A line of a list written without bullets ("BT: Dr Bill Tamkin, shadow chair ..." after
    # "Our panel of six CCG leads were :"), shown as an item; its text stays as the source has it.
    item: bool = False
    # The date its section's heading is (`heading_date`): a timeline's entry is shown, and read
    # for a date, with it ("May 2010: Andrew Lansley ...").
    dated: str = ""

    @property
    def reads(self) -> str:
        """The sentence as the answer shows it, and as a date is looked for in it."""
        return f"{self.dated}: {self.quoted}" if self.dated else self.quoted

    @property
    def quoted(self) -> str:
        """What the answer and its citation quote of the sentence (`quotable`)."""
        return quotable(self.text)


def passage_sentences(
    top: Sequence[Candidate], index_sentences: Mapping[str, tuple[list[str], np.ndarray]], passage: int
) -> list[str]:
    """The sentences of the `passage`-th candidate as the index split them (none when not loaded)."""
    found = index_sentences.get(top[passage].chunk.chunk_id)
    return found[0] if found is not None else []
