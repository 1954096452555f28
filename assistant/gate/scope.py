"""Is a question about a nation the corpus says nothing about?

Commissioning is organised differently in each of the UK's nations, and guidance written for one
does not answer for another: "gp in glasgow - do we have ccgs up here?" answered from English
guidance, however closely its words match, tells a Scottish GP something untrue. The answerability
model cannot see this (the passages about CCGs match well), so it is decided here, from the corpus
itself: a nation none of whose names (`templates/jurisdictions.txt`) occurs in any passage is
outside the corpus, and an ask that names it, or comes from a writer who says they are there, is
refused with the reason. When an editor adds guidance that names the nation, its questions go
through as any other. The documents' titles are kept here too: a message about none of the
corpus's subjects is told what it does cover.

A nation the corpus names only in passing is not covered by that: two documents here are tagged
"England, Wales" and one statistic is "the PCT average for England and Wales", while every
passage describes England's CCGs, which Wales never had. The nation whose own names the passages
use most is the corpus's home; an ask about another nation it names ("sas doc in cardiff - how
do i get involved over here") whose best passages never name that nation is refused too, saying
that what matched describes the home nation's arrangements (`Scope.unspoken`).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..retrieval.index import LoadedIndex
from ..retrieval.rewrite import word_list

# A nation's people, by which a question names the nation itself as much as by its name.
DEMONYMS = frozenset({"english", "welsh", "scottish", "northern irish"})


@dataclass(frozen=True)
class Nation:
    name: str
    names: tuple[str, ...]  # lower case, words separated by single spaces


@cache
def nations() -> tuple[Nation, ...]:
    out: list[Nation] = []
    for line in word_list("jurisdictions"):
        name, _, rest = line.partition(":")
        names = tuple(" ".join(n.lower().split()) for n in rest.split("|") if n.strip())
        if name.strip() and names:
            out.append(Nation(name.strip(), names))
    return tuple(out)


@cache
def _own(nation: Nation) -> Nation:
    """The nation by its own names ("Wales", "NHS Wales", "Welsh"), without its places and boards."""
    words = set(nation.name.lower().split())
    return Nation(nation.name, tuple(n for n in nation.names if set(n.split()) & words or n in DEMONYMS))


def _padded(text: str) -> str:
    # "Scotland's", "(Belfast)" and "glasgow-based" all name the place as a whole word.
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


@dataclass(frozen=True)
class Successor:
    """Something the documents' notices say came after them ("... replaced by integrated care
    boards (ICBs)") and no passage names: `name` as the notice writes it, its `acronym`, and the
    `notice` that says so."""

    name: str
    acronym: str
    notice: str
    label: str  # as the notice writes them together: "integrated care boards (ICBs)"

    def named_in(self, padded: str) -> bool:
        low = self.acronym.lower()
        name = " ".join(re.findall(r"[a-z0-9]+", self.name.lower())).removesuffix("s")
        return any(f" {n} " in padded for n in (low, f"{low}s", name, f"{name}s"))


# "integrated care boards (ICBs)": a name and its acronym, as a notice writes them.
_SPELT = re.compile(r"((?:[A-Za-z][\w-]*\s+){1,6})\(([A-Z]{2,6})s?\)")
_LINKING = frozenset({"and", "of", "the", "for", "in", "on", "to"})


def _spelt(notice: str) -> list[tuple[str, str, str]]:
    """Each name a notice writes with its acronym: (name, acronym, as written), the name being the
    run of last words whose initials spell the acronym ("integrated care boards", "ICB")."""
    out = []
    for m in _SPELT.finditer(notice):
        acronym = m.group(2)
        words = m.group(1).split()
        kept: list[str] = []
        letters = acronym.lower()
        for w in reversed(words):
            if len("".join(x[0].lower() for x in kept if x.lower() not in _LINKING)) == len(letters):
                break
            kept.insert(0, w)
        if "".join(x[0].lower() for x in kept if x.lower() not in _LINKING) == letters:
            out.append((" ".join(kept), acronym, m.group(0)))
    return out


def successors(notices: Sequence[str], unheard: Callable[[str], bool]) -> tuple[Successor, ...]:
    """What the documents' notices name, with its acronym, that the corpus never does
    (`unheard(acronym)`): the bodies that came after the guidance."""
    out: dict[str, Successor] = {}
    for notice in dict.fromkeys(n for n in notices if n):
        for name, acronym, written in _spelt(notice):
            if acronym not in out and unheard(acronym):
                out[acronym] = Successor(name, acronym, notice, f"{name} {written[written.rindex('(') :]}")
    return tuple(out.values())


# A notice's bodies by acronym alone ("CCGs", "PCT") or as a quoted word ("the 'consortiums' it
# describes").
_NOTICE_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")
_NOTICE_QUOTED = re.compile(r"['‘“\"]([A-Za-z][\w -]{2,40})['’”\"]")


def notice_about(notice: str, ask: str) -> bool:
    """Whether `ask` names something `notice` is about, by acronym, by the name the notice spells
    it with or by a quoted word: "is my CCG still ...?" and "CCGs were abolished on 1 July 2022",
    not "is Monitor still ...?"."""
    low = f" {' '.join(re.findall(r'[a-z0-9]+', ask.lower()))} "
    names = {a.lower() for a in _NOTICE_ACRONYM.findall(notice)}
    names |= {name.lower() for name, _, _ in _spelt(notice)}
    names |= {q.lower() for q in _NOTICE_QUOTED.findall(notice)}
    return any(f" {n} " in low or f" {n}s " in low or f" {n.removesuffix('s')} " in low for n in names)


@dataclass(frozen=True)
class Scope:
    """Which nations the corpus names (`covered`) and which it never does (`outside`); and its
    documents' titles (`titles`)."""

    covered: tuple[str, ...]
    outside: tuple[Nation, ...]
    titles: tuple[str, ...] = ()
    home: str | None = None  # the covered nation its passages name most: the one it is written for
    after: tuple[Successor, ...] = ()  # what the notices say came after the documents (`successors`)

    @classmethod
    def of(cls, index: LoadedIndex) -> Scope:
        """From the index's vocabulary: a name counts as present when each of its words occurs in
        some passage (so a multi-word name may count when it is not there: the check errs
        towards answering)."""

        def present(name: str) -> bool:
            words = index.lexical.query_terms(name)
            return bool(words) and all(index.df.get(w, 0) > 0 for w in words)

        def passages(name: str) -> int:
            return min((index.df.get(w, 0) for w in index.lexical.query_terms(name)), default=0)

        covered: list[str] = []
        outside: list[Nation] = []
        named: dict[str, int] = {}
        for nation in nations():
            if any(present(n) for n in nation.names):
                covered.append(nation.name)
                named[nation.name] = max((passages(n) for n in _own(nation).names), default=0)
            else:
                outside.append(nation)
        home = max(named, key=lambda n: named[n]) if named else None
        documents = index.documents()
        after = successors([d.get("notice", "") for d in documents], lambda a: not present(a))
        return cls(tuple(covered), tuple(outside), cls.titles_of(documents), home, after)

    @staticmethod
    def titles_of(documents: Sequence[dict[str, Any]]) -> tuple[str, ...]:
        """The documents' titles, each once, in the index's order; untitled ones left out."""
        return tuple(dict.fromkeys(t for d in documents if (t := d.get("title", ""))))

    def named(self, ask: Sequence[str], situation: str = "") -> str | None:
        """The nation outside the corpus that the `ask` (its texts: as written, as judged) names,
        or else that the writer's `situation` ("gp in belfast - ...") places them in, or None.
        A situation naming a covered nation too ("moved from Glasgow to London") places them
        nowhere; an ask naming both ("... the way England does?") is still about the other."""
        hit = self._first([_padded(t) for t in ask if t], self.outside)
        if hit is not None or not situation:
            return hit
        where = _padded(situation)
        if self._first([where], self._covered_nations()) is not None:
            return None
        return self._first([where], self.outside)

    def unspoken(self, ask: Sequence[str], passages: Iterable[str], situation: str = "") -> str | None:
        """A nation the corpus names, but is not written for, that the ask is about while none of
        `passages` (the text the answer would draw on) names it: they describe the home nation's
        arrangements. The ask names the nation ("Wales", "Welsh"), or the writer's `situation`
        places them there by any of its names ("sas doc in cardiff - ..."). The home nation's own
        questions go through as before: its passages rarely need to name it. `passages` is read
        only when the ask is about such a nation."""
        others = tuple(n for n in self._covered_nations() if n.name != self.home)
        if not others:
            return None
        home = tuple(n for n in nations() if n.name == self.home)
        asked = [_padded(t) for t in ask if t]
        # "gp in cardiff - how many CCGs are there in England?", "... in England and Wales?": an
        # ask that names the home nation is about it, wherever its writer is.
        if self._first(asked, home) is not None:
            return None
        named = self._first(asked, tuple(_own(n) for n in others))
        if named is None and situation:
            where = _padded(situation)
            if self._first([where], home) is None:
                named = self._first([where], others)
        if named is None:
            return None
        own = _own(next(n for n in others if n.name == named))
        if any(f" {n} " in _padded(p) for n in own.names for p in passages):
            return None
        return named

    @staticmethod
    def _first(padded: Sequence[str], among: Sequence[Nation]) -> str | None:
        for nation in among:
            if any(f" {n} " in p for n in nation.names for p in padded):
                return nation.name
        return None

    def home_instead_of(self, nation: str | None) -> str:
        """The home nation, when `nation` is one the corpus names only in passing (an ask about it
        was refused because its passages describe the home nation's arrangements); else ""."""
        return self.home if self.home and nation in self.covered and nation != self.home else ""

    def superseded(self, ask: Sequence[str]) -> Successor | None:
        """What came after the documents that the ask names ("what are ICBs and how do I get on
        one?"): the guidance cannot say anything about it, however well its passages about the
        bodies before match."""
        padded = [_padded(t) for t in ask if t]
        return next((a for a in self.after if any(a.named_in(p) for p in padded)), None)

    def _covered_nations(self) -> tuple[Nation, ...]:
        return tuple(n for n in nations() if n.name in self.covered)

    def covered_text(self) -> str:
        """ "England and Wales", "England, Wales and Scotland", or "" when it names none; the
        home nation first and the others said to be named in passing ("England, and Wales in
        passing"), since questions about those are refused too (`unspoken`) and a Scottish GP
        told the corpus names Wales took it for covering Wales."""
        if len(self.covered) < 2:
            return "".join(self.covered)
        if self.home in self.covered:
            others = [n for n in self.covered if n != self.home]
            rest = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
            return f"{self.home}, and {rest} in passing"
        return ", ".join(self.covered[:-1]) + " and " + self.covered[-1]

    def documents_text(self, limit: int = 5) -> str:
        """The documents' titles for a message about none of them: the first `limit` and how
        many more."""
        shown = "; ".join(self.titles[:limit])
        more = len(self.titles) - limit
        return f"{shown}; and {more} more document{'s' if more > 1 else ''}" if more > 0 else shown


_SCOPES: weakref.WeakKeyDictionary[LoadedIndex, Scope] = weakref.WeakKeyDictionary()
_SCOPES_LOCK = threading.Lock()


def scope_of(index: LoadedIndex) -> Scope:
    """`Scope.of(index)`, worked out once per loaded index (a reload after an ingest is a new one)."""
    with _SCOPES_LOCK:
        scope = _SCOPES.get(index)
        if scope is None:
            scope = _SCOPES[index] = Scope.of(index)
        return scope
