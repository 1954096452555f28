"""Whom the cited guidance was written for, when the writer says they are someone else.

"How can I get involved in commissioning as a trainee?" was answered with the BMA's eight routes
"for consultants and senior SAS doctors", with nothing to say the guidance was not written for
trainees. A document's manifest `audience` is stored with its passages; an answer citing one that
does not cover the writer's stated role says so under the answer.

Only the doctors' roles the corpus's audiences tell apart are read (a trainee, a GP): every
document is written for doctors, so a practice manager or a nurse would get the line under
every answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..messages import render
from ..types import Citation

# Each role: the words a writer names it by, and the audience words that include it.
_ROLES: dict[str, tuple[str, str]] = {
    "trainee": (
        r"trainees?|registrars?|spr|str|st[1-8]|ct[1-3]|fy ?[12]|f[12]|foundation (?:doctor|year|trainee)s?"
        r"|junior doc(?:tor)?s?|sho|house officer",
        r"trainees?|junior doctors?|hospital doctors?",
    ),
    "GP": (
        r"gps?|general practitioners?",
        r"gps?|general practitioners?",
    ),
}
# Audiences that are every doctor, or wider.
_EVERYONE = r"^\W*doctors\b|\ball doctors\b|\bclinicians\b|\bhealth professionals\b"


def _writer(role_words: str) -> re.Pattern[str]:
    """The writer naming themselves by one of `role_words`: "I'm an ST3 in EM", "as a trainee"
    (not "as well as GPs", nor "I'm worried that GPs ..."), "FY2 here", "salaried gp - can i
    ..." (at the message's start and before a dash or colon: "GP contracts, what are they?" names
    a subject, not the writer)."""
    role = rf"(?:{role_words})"
    return re.compile(
        rf"\b(?:i['’]?m|i am)\s+(?:(?:an?|the)\s+(?:[\w-]+\s+){{0,2}}?)?{role}\b"
        rf"|\bas\s+an?\s+(?:[\w-]+\s+){{0,2}}?{role}\b"
        rf"|\b{role}\s+here\b"
        rf"|^\W*(?:[\w-]+\s+){{0,2}}?{role}(?:\s+[\w-]+)?\s*[-–—:(]",
        re.I,
    )


_WRITERS = {role: _writer(words) for role, (words, _) in _ROLES.items()}
_INCLUDED = {role: re.compile(rf"{_EVERYONE}|\b(?:{words})\b", re.I) for role, (_, words) in _ROLES.items()}


def writers_roles(message: str) -> list[str]:
    """The roles (of `_ROLES`) the message's writer says they have."""
    return [role for role, pattern in _WRITERS.items() if pattern.search(message)]


def audience_notice(message: str, citations: Sequence[Citation], audiences: Mapping[str, str]) -> str | None:
    """The line saying which cited sources were written for others than the writer's stated role,
    or None. `audiences`: each document's audience, by document id."""
    roles = writers_roles(message)
    if not roles:
        return None
    for role in roles:
        others = [c for c in citations if (a := audiences.get(c.doc_id, "")) and not _INCLUDED[role].search(a)]
        if others:
            audience = audiences[others[0].doc_id]
            # One document's audience names the line; another's with the same words is listed too.
            numbers = [c.n for c in others if audiences[c.doc_id] == audience]
            sources = f"Source {_numbers(numbers)}" if len(numbers) == 1 else f"Sources {_numbers(numbers)}"
            were = "was" if len(numbers) == 1 else "were"
            return render("audience_notice", sources=sources, were=were, audience=audience, role=role)
    return None


def _numbers(ns: Sequence[int]) -> str:
    """[1]–[3], [5]: runs of consecutive source numbers shortened."""
    out: list[str] = []
    run: list[int] = []
    for n in sorted(set(ns)):
        if run and n != run[-1] + 1:
            out.append(_run(run))
            run = []
        run.append(n)
    if run:
        out.append(_run(run))
    return ", ".join(out)


def _run(run: list[int]) -> str:
    return f"[{run[0]}]–[{run[-1]}]" if len(run) > 2 else ", ".join(f"[{n}]" for n in run)
