"""How old each source is, and the notices an answer carries (currency.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from assistant.answer.currency import age_label, notices_for
from assistant.types import Citation

ABOLISHED = (
    "Clinical commissioning groups (CCGs) were abolished on 1 July 2022 and replaced by integrated care boards "
    "(ICBs) under the Health and Care Act 2022."
)
WRITTEN_WHILE = (
    "Written while the Health and Social Care Bill was before Parliament; CCGs (the 'consortiums' it describes) "
    "were abolished on 1 July 2022 and replaced by integrated care boards (ICBs)."
)
PCT = "Describes a primary care trust (PCT); PCTs were abolished in 2013, and their successors, CCGs, in 2022."
TODAY = dt.date(2026, 12, 5)


def _cite(doc_id: str, published: str = "2012") -> Citation:
    return Citation(1, doc_id, f"{doc_id}.txt", doc_id.title(), "BMA", published, "Section", None, "Text.", "Text.")


def test_a_notice_another_cited_document_already_gives_is_shown_once() -> None:
    """An answer citing the BMA's quick guide and the BMJ guide said twice that CCGs were
    abolished in 2022; the fuller notice stays, whichever document is cited first."""
    notices = {"bma": ABOLISHED, "bmj": WRITTEN_WHILE, "kent": PCT}
    for order in (["bma", "bmj"], ["bmj", "bma"]):
        shown = notices_for([_cite(d) for d in order], notices, stale_after_years=5, today=TODAY)
        assert shown[1:] == [WRITTEN_WHILE], shown
        assert "more than 5 years old" in shown[0]
    # A notice saying something else is kept beside it; one document's notice is shown once.
    shown = notices_for([_cite("bma"), _cite("kent"), _cite("bma")], notices, stale_after_years=5, today=TODAY)
    assert shown[1:] == [ABOLISHED, PCT]


def test_an_answer_from_recent_sources_has_no_age_notice() -> None:
    assert notices_for([_cite("bma", "2025")], {}, stale_after_years=5, today=TODAY) == []
    assert age_label("2012", approximate=True, today=TODAY) == "c. 2012 · 14 years old"


def test_an_inferred_year_is_shown_as_one_in_the_age_notice() -> None:
    """The citations said "c. 2011" while the notice said "published 2011", as if known."""
    inferred = Citation(
        1, "bmj", "bmj.pdf", "BMJ", "BMJ Group", "2011", "Section", None, "Text.", "Text.", approximate=True
    )
    [shown] = notices_for([inferred, _cite("bma", "2012")], {}, stale_after_years=5, today=TODAY)
    assert "(published c. 2011–2012)" in shown
    [known] = notices_for([_cite("bma", "2012")], {}, stale_after_years=5, today=TODAY)
    assert "(published 2012)" in known


def test_a_source_of_unknown_date_is_said_to_be_so() -> None:
    """A file no manifest entry describes has no date: the reader is told to check it, and no
    age notice claims to know how old every source is."""
    old, undated = _cite("bma"), replace(_cite("note", ""), n=2)
    shown = notices_for([old, undated], {}, stale_after_years=5, today=TODAY)
    assert shown == ["The date of source [2] is not known: check that it is current guidance before acting on it."]
    assert "more than 5 years old" in notices_for([old], {}, stale_after_years=5, today=TODAY)[0]
