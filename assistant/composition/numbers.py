"""A numeric ask's number: "how many GPs ...?" answered without one has missed the point."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..retrieval.sentence_kinds import is_item
from .picked import Picked


def with_number(
    chosen: list[Picked],
    pool: Sequence[Picked],
    extra: Sequence[Picked],
    number: re.Pattern[str],
    listing: bool,
    reach: float,
    budget: int,
) -> list[Picked]:
    """ "How many GPs...?" answered without a number has missed the point: the best sentence with
    the asked kind of number is taken. The top passage's own is taken however its words score
    ("SCNs will be established for up to five years" for "how long are the strategic clinical
    networks set up for?", answered first with the list of networks); a further passage's only
    when it scores at least `reach`. It replaces the last prose sentence, or follows a list."""
    if any(number.search(p.reads) for p in chosen):
        return chosen
    own = (p for p in pool if p.passage == 0 and number.search(p.reads) and not is_item(p.text))
    numeric = next(own, None)
    if numeric is None and not listing:
        numeric = next((p for p in extra if number.search(p.reads) and p.score >= reach), None)
    if numeric is None:
        return chosen
    # "One GP in each practice is likely to spend half a day a week" came without the sentence
    # before it, "3 to 4 GP leaders who spend 2-3 days per week": a figure's neighbour giving the
    # same kind of figure answers the same ask.
    sibling = next(
        (
            p
            for p in (pool if numeric.passage == 0 else extra)
            if p.passage == numeric.passage
            and abs(p.sentence - numeric.sentence) == 1
            and number.search(p.reads)
            and not is_item(p.text)
        ),
        None,
    )
    if listing:
        return [*chosen, numeric]
    chosen = [*chosen[: max(1, budget - 1)], numeric]
    return chosen if sibling is None else [*chosen[: max(1, budget - 2)], numeric, sibling]
