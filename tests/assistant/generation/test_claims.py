"""Splitting a draft around its citation markers."""

from __future__ import annotations

import pytest

from assistant.generation.claims import Claim, split_claims


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ("A is true [1]. B is true [2].", [("A is true.", (1,)), ("B is true.", (2,))]),
        # The marker after the full stop belongs to the sentence before it.
        ("A is true. [1] B is true. [2]", [("A is true.", (1,)), ("B is true.", (2,))]),
        ("A is true.[1][3] B is true.", [("A is true.", (1, 3)), ("B is true.", ())]),
        # No full stop at all: the marker ends the sentence.
        ("A is true [1] Bees are true [2].", [("A is true.", (1,)), ("Bees are true.", (2,))]),
        ("- A list item [1, 2]\n- Another one [2-3].", [("A list item", (1, 2)), ("Another one.", (2, 3))]),
        ("**Answer:** Bold is gone [1].", [("Bold is gone.", (1,))]),
    ],
)
def test_split_claims(draft: str, expected: list[tuple[str, tuple[int, ...]]]) -> None:
    assert split_claims(draft) == [Claim(t, c) for t, c in expected]
