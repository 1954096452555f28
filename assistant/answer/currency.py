"""How old each source is, and the notices an answer carries because of it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..types import Citation
from .messages import render


def year_of(published: str) -> int | None:
    m = re.match(r"^(\d{4})", published or "")
    return int(m.group(1)) if m else None


def age_label(published: str, approximate: bool = False, today: dt.date | None = None) -> str:
    """'2011 · 15 years old' (with 'c.' when the date was inferred)."""
    year = year_of(published)
    if year is None:
        return "date unknown"
    age = (today or dt.date.today()).year - year
    when = f"c. {published}" if approximate else published
    if age <= 0:
        return f"{when} · this year"
    return f"{when} · {age} year{'s' if age != 1 else ''} old"


def notices_for(
    citations: Sequence[Citation],
    doc_notices: dict[str, str],
    stale_after_years: int,
    today: dt.date | None = None,
) -> list[str]:
    out: list[str] = []
    years = [y for y in (year_of(c.published) for c in citations) if y is not None]
    this_year = (today or dt.date.today()).year
    if citations and len(years) == len(citations) and all(this_year - y > stale_after_years for y in years):
        span = str(min(years)) if min(years) == max(years) else f"{min(years)}–{max(years)}"
        out.append(render("stale_notice", years=stale_after_years, published=span))
    seen: set[str] = set()
    for c in citations:
        note = doc_notices.get(c.doc_id, "")
        if note and note not in seen:
            seen.add(note)
            out.append(note)
    return out
