"""A list the guidance writes as numbered sections, answered as that list.

The BMJ guide's "Five things patients hope for from NHS commissioning", "Quick wins" and "Starter
for five" hold their points as headings ("1. Patients, carers, and the public really must be
involved ...", "2. Equity of service provision ..."), each over a section of its own. The
headings are not sentences of any passage, so "what are the five things patients hope for from
NHS commissioning?" was answered with three sentences from the middle of three of them, and "what
is the BMJ's starter for five" with fragments. An ask that names such a section and asks for its
points (a list, or what the thing is) is answered with the headings, in order, each cited to the
section it heads; the quote is the heading, as the source writes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..retrieval.index import LoadedIndex
from ..retrieval.kinds import asks_for_list, asks_for_number, asks_what_it_is
from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate
from ..types import SECTION_SEP, Chunk
from .render import Composition, citation

OUTLINE = "outline"  # the signal recorded when an outline settles an ask's outcome
# "1. ", "2) ": a heading that is one of a numbered run.
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(\S.*)$")
# At least this many numbered sections make an outline (a "1." alone is a heading's style).
MIN_POINTS = 3
# How many of the best passages may be the outline's sections or its opening.
LOOK = 8
# The ask names the section when it has this share of the section heading's words.
NAMED_SHARE = 0.6
# How far on either side of a passage its outline's sections are looked for (rows are in
# document and position order; the longest outline in the corpus spans 14 passages).
REACH = 40
# "What does the starter for five advise consortiums to focus on?": an ask for what the named
# section says, which its points are, as much as "what are its points?".
_ASKS_CONTENT = re.compile(
    r"\bwhat (?:does|do|did|will|would) .{1,60}?\b(?:advise|advises|recommend|recommends|suggest|suggests|say|says|"
    r"cover|covers|include|includes|propose|proposes|set out|sets out|tell|tells)\b",
    re.I,
)


@dataclass(frozen=True)
class Outline:
    """A section's numbered sections: its heading, and each point's heading with its first passage."""

    heading: str
    points: tuple[tuple[str, Chunk], ...]

    @property
    def chunks(self) -> list[Chunk]:
        return [chunk for _, chunk in self.points]

    def composition(self) -> Composition:
        lines = [f"{self.heading.rstrip(':')}:"]
        citations = []
        for n, (point, chunk) in enumerate(self.points, start=1):
            m = _NUMBERED.match(point)
            item = m.group(2) if m else point
            lines.append(f"- {item.rstrip()} [{n}]")
            citations.append(citation(n, chunk, point))
        return Composition("\n".join(lines), citations, outline=True)


def find_outline(question: str, cands: Sequence[Candidate], index: LoadedIndex) -> Outline | None:
    """The numbered sections of the section `question` names and asks the points of, or None (the
    ask is not for such a list, or no such section is among its best passages)."""
    if asks_for_number(question) or not (
        asks_for_list(question) or asks_what_it_is(question) or _ASKS_CONTENT.search(question)
    ):
        return None
    asked = set(terms(question))
    tried: set[tuple[str, str]] = set()
    for cand in cands[:LOOK]:
        parent = _parent(cand.chunk.section)
        key = (cand.chunk.doc_id, parent)
        if not parent or key in tried:
            continue
        tried.add(key)
        heading = parent.split(SECTION_SEP)[-1]
        if not _named(heading, asked):
            continue
        points = _points(cand.chunk, parent, index)
        if len(points) >= MIN_POINTS:
            return Outline(heading, tuple(points))
    return None


def _parent(section: str) -> str:
    """The section that would hold an outline: the passage's own, or, for one of a numbered run,
    the one above it."""
    parts = section.split(SECTION_SEP)
    if _NUMBERED.match(parts[-1]):
        return SECTION_SEP.join(parts[:-1])
    return section


def _named(heading: str, asked: set[str]) -> bool:
    words = set(terms(heading))
    return bool(words) and len(words & asked) >= NAMED_SHARE * len(words)


def _points(chunk: Chunk, parent: str, index: LoadedIndex) -> list[tuple[str, Chunk]]:
    """Each numbered section directly under `parent` near `chunk`, in order, with its first
    passage; only a run numbered 1, 2, 3, ... without a gap."""
    seen: dict[str, Chunk] = {}
    for near in index.around(chunk, REACH):
        parts = near.section.split(SECTION_SEP)
        if SECTION_SEP.join(parts[:-1]) == parent and _NUMBERED.match(parts[-1]):
            seen.setdefault(parts[-1].strip(), near)
    points = list(seen.items())
    numbers = [int(m.group(1)) for heading, _ in points if (m := _NUMBERED.match(heading))]
    return points if numbers == list(range(1, len(numbers) + 1)) else []
