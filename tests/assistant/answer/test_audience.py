"""Whom the cited guidance was written for, said when the writer is someone else (audience.py)."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.answer.audience import audience_notice, writers_roles
from assistant.types import Citation

SAS = "SAS doctors and consultants in England and Wales"
AUDIENCES = {"involved": SAS, "quick": "Doctors in England and Wales", "bmj": "GPs and hospital doctors in England"}


def _cite(n: int, doc_id: str) -> Citation:
    return Citation(n, doc_id, f"{doc_id}.txt", doc_id.title(), "BMA", "2012", "Section", None, "Text.", "Text.")


@pytest.mark.parametrize(
    ("message", "roles"),
    [
        ("How can I get involved in commissioning as a trainee?", ["trainee"]),
        ("I'm an ST3 in emergency medicine - any way to get involved?", ["trainee"]),
        ("FY2 here, how do i get on a ccg board", ["trainee"]),
        ("salaried gp - can i sit on ccg governing body or only partners", ["GP"]),
        ("I am a GP registrar: is it paid?", ["trainee", "GP"]),
        # The thing asked about, not the writer.
        ("GP contracts, what are they?", []),
        ("how do GPs get on a CCG board?", []),
        ("what should trainees know about commissioning?", []),
        ("I'm interested in how SHAs worked", []),
        ("can consultants as well as GPs sit on the board?", []),
        ("I'm worried that GPs will cut referrals", []),
        ("I'm FY2 and keen", ["trainee"]),
        ("I’m a salaried GP, is it paid?", ["GP"]),
    ],
)
def test_the_writers_role_is_read_only_where_they_name_themselves(message: str, roles: list[str]) -> None:
    assert writers_roles(message) == roles


def test_sources_written_for_others_are_named_once() -> None:
    cites = [_cite(1, "involved"), _cite(2, "involved"), _cite(3, "quick"), _cite(4, "involved"), _cite(6, "involved")]
    line = audience_notice("As a trainee, how do I get involved?", cites, AUDIENCES)
    assert line == (
        f"Sources [1], [2], [4], [6] were written for {SAS}, not for trainees as such: check what applies to you."
    )
    one = audience_notice("FY2 here, how do i get on a ccg board", [_cite(1, "involved"), _cite(2, "bmj")], AUDIENCES)
    assert one is not None and one.startswith("Source [1] was written for SAS doctors")
    many = [_cite(n, "involved") for n in range(1, 6)]
    assert audience_notice("as a trainee?", many, AUDIENCES) == (
        f"Sources [1]–[5] were written for {SAS}, not for trainees as such: check what applies to you."
    )
    # Guidance for every doctor, or for GPs and hospital doctors, includes them; so does no audience.
    assert (
        audience_notice("As a trainee, how?", [_cite(1, "quick"), _cite(2, "bmj"), _cite(3, "kent")], AUDIENCES) is None
    )
    assert audience_notice("salaried gp - how?", [_cite(1, "bmj")], AUDIENCES) is None
    # A writer who names no role is not told whom the guidance is for.
    assert audience_notice("how do I get involved?", [_cite(1, "involved")], AUDIENCES) is None


def test_an_answer_to_a_trainee_from_the_consultants_guidance_says_whom_it_was_written_for(bot: Assistant) -> None:
    """ "How can I get involved in commissioning as a trainee?" was answered with the eight routes
    "for consultants and senior SAS doctors" and nothing to say whom they were written for."""
    stored = {c.doc_id: c.audience for c in bot.index.by_id.values()}
    assert stored["bma-get-involved"] == SAS  # the manifest's audience, stored with each passage
    a = bot.ask("How can I get involved in commissioning as a trainee?")
    assert any(c.doc_id == "bma-get-involved" for c in a.citations)
    assert any(
        n.endswith(f"written for {SAS}, not for trainees as such: check what applies to you.") for n in a.notices
    )
    plain = bot.ask("How can SAS doctors get involved in commissioning?")
    assert not any("as such" in n for n in plain.notices), plain.notices
