"""A sentence the extractive composer has picked for an answer, and where it came from."""

from __future__ import annotations

from dataclasses import dataclass


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
