"""Asks for a person by name, and whether the passages found for one name anyone.

"Which councillor chairs the Manchester health and wellbeing board?", "whos the borough director
croydon ccg appointed? need a name": the passages about that board or that appointment match
every word but the name, which the guidance never gives ("We have appointed a new borough
director with a view to her becoming the accountable officer"). Quoted as an answer, they read
as if the guidance answered. An ask for a particular person whose top passages name nobody
(an interview turn's speaker label aside: it names who speaks, not whom the ask is about) is
answered at most in part.

An ask for a role rather than a person ("who sits on a CCG board?", "who decides ...?",
"who can apply?") is not read as one: the guidance answers those with roles. Nor is "who runs /
heads / leads / chairs ...?", which the guidance answers with a body or a role as often as with a
person ("who chairs the health and wellbeing board?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..retrieval.index import LoadedIndex
from ..retrieval.retrieve import Candidate
from ..types import spoken

PERSON_UNNAMED = "person_unnamed"  # the signal recorded when it fires
TOP = 3

_ROLE = (
    r"(?:chair|chairs|chairman|chairwoman|chairperson|chief exec\w*|ceo|director|lead|head|rep|representative|"
    r"officer|secretary|minister|councillor|president|editor|commissioner|manager|ao)"
)
# "who" opening its clause: "I'm a consultant who runs several trials" is not an ask for a person.
_WHO = r"(?:^|[.?!,;:(–—-]\s*|\b(?:and|but|so|then|also|ok|right)\s+)who"
_WANTS = re.compile(
    rf"{_WHO}(?:'s|’s|s| is| was| were| are| will be)?\s+(?:the|their|its|our|his|her)\s+(?:[\w-]+\s+){{0,3}}?"
    rf"{_ROLE}\b"
    rf"|{_WHO}\s+(?:actually\s+|now\s+)?(?:ended up|signed|(?:was|got) appointed|replaced|succeeded|took over from)\b"
    r"|\bwhich\s+(?:councillor|person|individual)\b|\bneed a name\b|\bnames? of (?:the|their)\b",
    re.I,
)
# A person as the guidance names one: a title and a name ("Dr Dunn", "Ms Davis", "Lord Hutton"),
# or a full name before the role or clause that introduces it ("Jim Rodger, medical director",
# "Sheila Pitt, who ...", "Chris Ham (chief executive ...)"; not a body's name before its
# acronym: "Joint Strategic Needs Assessment (JSNA)").
_TITLED = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Miss|Prof|Professor|Sir|Dame|Lord|Baroness|Cllr|Councillor)\.?\s+[A-Z][a-z]+")
_INTRODUCED = re.compile(
    r"\b[A-Z][a-z]+ [A-Z][a-z'-]+(?=,\s+(?:a |an |the |our )?(?:[a-z]+ ){0,3}?(?:chair|director|editor|officer|"
    r"executive|lead|gp|consultant|doctor|manager|professor|patient|secretary|fellow|advis[eo]r|head|locum|"
    r"president|commissioner|registrar)|,?\s+who\b|\s+\((?![A-Z]{2,}s?\)))"
)


def wants_person(ask: str) -> bool:
    """Whether `ask` asks for a particular person: "who is the lead commissioner for diabetes
    at ...?", "who ended up chairing ...?", "which councillor ...?", "need a name"."""
    return bool(_WANTS.search(ask.strip()))


def names_someone(text: str) -> bool:
    return bool(_TITLED.search(text) or _INTRODUCED.search(text))


def unnamed_person(ask: str, cands: Sequence[Candidate], index: LoadedIndex) -> bool:
    """Whether `ask` wants a person and its top passages name nobody (speaker labels aside)."""
    if not cands or not wants_person(ask):
        return False
    for c in cands[:TOP]:
        texts = index.sentences.get(c.chunk.chunk_id, ([], None))[0] or [c.chunk.text]
        if any(names_someone(spoken(t)) for t in texts):
            return False
    return True
