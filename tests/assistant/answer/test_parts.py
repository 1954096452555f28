"""The lines that lead or stand in for one part's answer (`answer/parts.py`)."""

from __future__ import annotations

from assistant.answer.parts import refusal_text
from assistant.gate.scope import Successor


def test_an_off_subject_refusal_says_what_the_corpus_covers_and_names_no_nearest_section() -> None:
    statement, text = refusal_text([], covers="A guide; B guide")
    assert statement == text and "A guide; B guide" in statement and "nearest" not in text


def test_a_refusal_gives_the_most_telling_reason_and_then_the_nearest_sections() -> None:
    nearest = ["Quick guide — Clinical commissioning groups (CCGs)", "Get involved — How?"]
    plain, text = refusal_text(nearest)
    assert text.startswith(plain) and all(n in text for n in nearest)
    outside, _ = refusal_text(nearest, outside="Scotland", covered="England and Wales")
    assert "Scotland" in outside and "England and Wales" in outside
    # What came after the documents is the reason, whatever else holds: a nation or a clinical ask.
    after = Successor(
        "integrated care boards", "ICBs", "CCGs were abolished on 1 July 2022.", "integrated care boards (ICBs)"
    )
    superseded, _ = refusal_text(nearest, outside="Scotland", clinical=True, after=after)
    assert "CCGs were abolished on 1 July 2022." in superseded and "Scotland" not in superseded
    assert refusal_text(nearest, clinical=True)[0] != plain
