"""Asks for a person by name, and whether a sentence names anyone.

"Which councillor chairs the Manchester health and wellbeing board?", "whos the borough director
croydon ccg appointed? need a name": the passages about that board or that appointment match
every word but the name, which the guidance never gives ("We have appointed a new borough
director with a view to her becoming the accountable officer"). Quoted as an answer, they read
as if the guidance answered. An ask for a particular person whose answer quotes nobody by name
(an interview turn's speaker label aside: it names who speaks, not whom the ask is about) is
refused (`caps.py`, which reads the composed answer).

An ask for a role rather than a person ("who sits on a CCG board?", "who decides ...?",
"who can apply?") is not read as one: the guidance answers those with roles. Nor is "who runs /
heads / leads / chairs ...?", which the guidance answers with a body or a role as often as with a
person ("who chairs the health and wellbeing board?").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..retrieval.lexical import terms

PERSON_UNNAMED = "person_unnamed"  # the signal recorded when it fires
PERSON_NOW = "person_now"  # the signal of an ask for who holds a post today (core.py refuses it)
ORGANISATION_UNNAMED = "organisation_unnamed"  # the same for an ask for one organisation

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
    # "Who chairs Birmingham CrossCity CCG?": one named body's chair is a person; the guidance
    # answers "who chairs the health and wellbeing board?" with a role.
    rf"|{_WHO}\s+(?:actually\s+|now\s+|currently\s+)?(?:chairs|chaired|leads|led|heads|headed|runs|ran)\s+"
    r"(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}?(?-i:[A-Z][a-z]+)"
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


# "Which hospital runs the acute GP service in Plymouth?", "which private company won the ENT
# contract?": an ask for one organisation, by name. ("which hospital services ...", "which
# practices ..." ask for a kind or a list.)
_WANTS_ORGANISATION = re.compile(
    r"(?:^|[.?!,;:(–—-]\s*|\b(?:and|but|so|then|also|ok|right)\s+)which\s+(?:[\w-]+\s+){0,2}?"
    r"(?:hospital|trust|company|firm|provider|charity)\b(?!\s+services?\b)",
    re.I,
)
# A capitalised word inside a sentence (not its first): a name, or an acronym ("NHS").
_INNER_CAPITAL = re.compile(r"(?<=[\w,;:)’'”\"]\s)[A-Z][\w'’&-]*")


def wants_organisation(ask: str) -> bool:
    """Whether `ask` asks for one organisation by name ("which hospital runs ...?")."""
    return bool(_WANTS_ORGANISATION.search(ask.strip())) and not wants_person(ask)


def names_beyond(text: str, ask_terms: set[str]) -> bool:
    """Whether `text` writes, inside a sentence, a capitalised word the ask does not: a name it
    could be answering with. ("At an acute GP service in Plymouth, ..." names only what "Which
    hospital runs the acute GP service in Plymouth?" names.)"""
    return any(set(terms(w)) - ask_terms for w in _INNER_CAPITAL.findall(text))


def wants_person(ask: str) -> bool:
    """Whether `ask` asks for a particular person: "who is the lead commissioner for diabetes
    at ...?", "who ended up chairing ...?", "which councillor ...?", "need a name"."""
    return bool(_WANTS.search(ask.strip()))


# Two capitalised words in a row: perhaps a full name when neither is a word the text around it
# also writes in lower case ("May 2010: Andrew Lansley becomes health secretary"), but as often a
# place ("Greater Manchester", "Coastal Kent"); a body or a title when one is ("the NHS
# Commissioning Board", "Health and Wellbeing Boards").
_PAIR = re.compile(r"\b([A-Z][a-z'’-]+) ([A-Z][a-z'’-]+)\b")
_LOWER = re.compile(r"\b[a-z][a-z'’-]*")
_WORDS = re.compile(r"[\w'’-]+")


def names_someone(text: str) -> bool:
    """Whether `text` names a person as the guidance does: with a title, or introduced by a role
    or a clause."""
    return bool(_TITLED.search(text) or _INTRODUCED.search(text))


def may_name_someone(texts: str | Sequence[str], context: Iterable[str] = (), given: str = "") -> bool:
    """Whether `texts` (a sentence, or an answer's sentences) hold what may be a full name: two
    capitalised words that neither they nor `context` (the passages around them) write in lower
    case, and that the ask (`given`) does not write. The lower-case words are read once, and
    only when some pair is there to check."""
    texts = [texts] if isinstance(texts, str) else list(texts)
    # A pair the ask itself writes ("Tower Hamlets" in "who chairs the Tower Hamlets board?") is
    # what it asks about, not a name it is answered with.
    asked = {w.lower() for w in _WORDS.findall(given)}
    pairs = [(a, b) for t in texts for a, b in _PAIR.findall(t) if not {a.lower(), b.lower()} <= asked]
    if not pairs:
        return False
    lower = {w for t in (*texts, *context) for w in _LOWER.findall(t)}
    return any(a.lower() not in lower and b.lower() not in lower for a, b in pairs)
