"""A run against its baseline, item by item: what improved, what regressed, what is no longer run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Versus:
    """A run against its baseline, item by item (by id)."""

    improved: list[dict[str, Any]]  # now passing, failing before
    regressed: list[dict[str, Any]]  # now failing, passing before
    dropped: list[dict[str, Any]]  # passing before and not run now: skipped as a problem, or removed


def versus(rows: Sequence[dict[str, Any]], base_rows: Sequence[dict[str, Any]]) -> Versus:
    """How `rows` compare with `base_rows`. An item that passed and is no longer run is counted
    apart: skipped (its quote no longer in a replaced document, say), it leaves every threshold's
    view, and the run would read as no worse."""
    before = {r["id"]: r["scores"]["passed"] for r in base_rows}
    now = {r["id"] for r in rows}
    return Versus(
        [r for r in rows if r["scores"]["passed"] and before.get(r["id"]) is False],
        [r for r in rows if not r["scores"]["passed"] and before.get(r["id"]) is True],
        [r for r in base_rows if r["scores"]["passed"] and r["id"] not in now],
    )
