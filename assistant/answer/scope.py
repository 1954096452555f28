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
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..retrieval.index import LoadedIndex
from ..retrieval.rewrite import word_list


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


def _padded(text: str) -> str:
    # "Scotland's", "(Belfast)" and "glasgow-based" all name the place as a whole word.
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


@dataclass(frozen=True)
class Scope:
    """Which nations the corpus names (`covered`) and which it never does (`outside`); and its
    documents' titles (`titles`)."""

    covered: tuple[str, ...]
    outside: tuple[Nation, ...]
    titles: tuple[str, ...] = ()

    @classmethod
    def of(cls, index: LoadedIndex) -> Scope:
        """From the index's vocabulary: a name counts as present when each of its words occurs in
        some passage (so a multi-word name may count when it is not there: the check errs
        towards answering)."""

        def present(name: str) -> bool:
            words = index.lexical.query_terms(name)
            return bool(words) and all(index.df.get(w, 0) > 0 for w in words)

        covered: list[str] = []
        outside: list[Nation] = []
        for nation in nations():
            if any(present(n) for n in nation.names):
                covered.append(nation.name)
            else:
                outside.append(nation)
        return cls(tuple(covered), tuple(outside), cls.titles_of(index.documents()))

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

    @staticmethod
    def _first(padded: Sequence[str], among: Sequence[Nation]) -> str | None:
        for nation in among:
            if any(f" {n} " in p for n in nation.names for p in padded):
                return nation.name
        return None

    def _covered_nations(self) -> tuple[Nation, ...]:
        return tuple(n for n in nations() if n.name in self.covered)

    def covered_text(self) -> str:
        """ "England and Wales", "England, Wales and Scotland", or "" when it names none."""
        if len(self.covered) < 2:
            return "".join(self.covered)
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
