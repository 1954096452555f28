"""How old each source is, and the notices an answer carries because of it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..messages import render
from ..types import Citation


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
        # A year an editor inferred is shown as one, as the citations show it ("c. 2011"):
        # "published 2011" stated it as known.
        if any(c.approximate for c in citations):
            span = f"c. {span}"
        out.append(render("stale_notice", years=stale_after_years, published=span))
    # A source of unknown date (a file no manifest entry describes) may be anything from a draft
    # to a withdrawn guide: the reader is told, as for an old one.
    undated = [c for c in citations if year_of(c.published) is None]
    if undated:
        refs = ", ".join(f"[{c.n}]" for c in undated)
        out.append(render("undated_notice", sources=f"source {refs}" if len(undated) == 1 else f"sources {refs}"))
    notes = list(dict.fromkeys(n for c in citations if (n := doc_notices.get(c.doc_id, ""))))
    # Editors write each document's notice on its own, so two cited documents can say one thing
    # twice ("CCGs were abolished on 1 July 2022 ..." and "Written while the Bill was before
    # Parliament; CCGs ... were abolished on 1 July 2022 ..."): a notice the words of another
    # already say is left out, and the fuller one kept.
    words = [_words(n) for n in notes]
    out.extend(
        n
        for i, n in enumerate(notes)
        if not any(
            j != i and _says(words[j], words[i]) and (len(words[j]) > len(words[i]) or j < i) for j in range(len(notes))
        )
    )
    return out


# A notice sharing this share of its words with a fuller one (or an equal one cited earlier) says
# nothing that one does not.
NOTICE_OVERLAP = 0.7


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _says(other: set[str], note: set[str]) -> bool:
    """Whether a notice with the words `other` says most of what one with the words `note` does."""
    return len(other & note) / (len(note) or 1) >= NOTICE_OVERLAP
