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

from ..retrieval.ask_kinds import asking_sentence, asks_for_list, asks_for_number, asks_how, asks_what_it_is
from ..retrieval.index import LoadedIndex
from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate
from ..retrieval.sentence_kinds import is_statement
from ..types import SECTION_SEP, Chunk
from .authors import first_person, signers
from .render import Composition, citation

# "1. ", "2) ": a heading that is one of a numbered run.
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(\S.*)$")
# At least this many numbered sections make an outline (a "1." alone is a heading's style).
MIN_POINTS = 3
# How many of the best passages may be the outline's sections or its opening.
LOOK = 8
# How far below the best passage, of another document, one may be for the outline it stands in to
# be asked for by its document's title alone (`find_outline`).
TITLE_MARGIN = 0.1
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


# "can someone summarise the 'starter for five' bit of the BMJ guide": a summary of a section
# written as numbered points is its points. Answered from sentences, it gave two of the five,
# opening on "If we understand this ...".
_ASKS_SUMMARY = re.compile(
    r"\b(?:summari[sz]e|summary|sum up|run (?:me )?through|go through|talk me through|key points|main points|gist)\b",
    re.I,
)


@dataclass(frozen=True)
class Outline:
    """A section's numbered sections: its heading, and each point's heading with its first passage."""

    heading: str
    points: tuple[tuple[str, Chunk], ...]
    # Whether the ask named the section. One found through its document's title ("how do I get
    # involved in commissioning?" for "How?") only shapes an answer the ask already gets: it
    # settles no outcome, since a near-miss ("how do I get involved in commissioning in
    # Scotland?") asks the same way.
    named: bool = True
    # The section's own opening sentences, before its numbered sections, with their passage: the
    # advice a "how" section gives first ("you should discuss issues in the first instance via
    # your medical staff committee ...").
    intro: tuple[tuple[str, ...], Chunk] | None = None
    # Who signed the opening, when it speaks in the first person ("Kate Adams (London GP):"
    # before "Through our work in City and Hackney ...").
    intro_by: str = ""
    # Each point's first sentence, when every point's heading is a label ("7. NHS England",
    # "5. Local authorities"): a label names where to go, its section's opening says what to do
    # there ("RCCs and RSASCs should contact their local authorities ..."). Headings that state
    # their point ("3. Prescription charges must go.") stand alone.
    details: tuple[str, ...] | None = None

    @property
    def chunks(self) -> list[Chunk]:
        return ([self.intro[1]] if self.intro else []) + [chunk for _, chunk in self.points]

    def composition(self) -> Composition:
        lines: list[str] = []
        citations = []
        if self.intro:
            sentences, chunk = self.intro
            lines.append(" ".join(([self.intro_by] if self.intro_by else []) + list(sentences)) + " [1]")
            citations.append(citation(1, chunk, " … ".join(sentences)))
        # "Quick wins:", but "Get involved in commissioning: How?" as it stands.
        lines.append(self.heading if self.heading.endswith("?") else f"{self.heading.rstrip(':')}:")
        for i, (point, chunk) in enumerate(self.points):
            n = len(citations) + 1
            item = _label(point)
            if self.details:
                lines.append(f"- {item}: {self.details[i]} [{n}]")
                citations.append(citation(n, chunk, self.details[i]))
            else:
                lines.append(f"- {item} [{n}]")
                citations.append(citation(n, chunk, point))
        return Composition("\n".join(lines), citations, outline=True)


def find_outline(question: str, cands: Sequence[Candidate], index: LoadedIndex) -> Outline | None:
    """The numbered sections of the section `question` names and asks the points of, or None (the
    ask is not for such a list, or no such section is among its best passages)."""
    if asks_for_number(question):
        return None
    points_asked = (
        asks_for_list(question)
        or asks_what_it_is(question)
        or bool(_ASKS_CONTENT.search(question) or _ASKS_SUMMARY.search(question))
    )
    asked = set(terms(question))
    tried: set[tuple[str, str]] = set()
    for cand in cands[:LOOK]:
        parent = _parent(cand.chunk.section)
        key = (cand.chunk.doc_id, parent)
        if not parent or key in tried:
            continue
        tried.add(key)
        heading = parent.split(SECTION_SEP)[-1]
        named = bool(terms(heading))
        if named:
            if not (points_asked and _named(heading, asked)):
                continue
        else:
            # "How?" under "Get involved in commissioning": a heading that is a bare question word
            # asks it of the document's subject, its title. "What are the options for getting
            # involved in commissioning as a hospital doctor?" asks for its numbered sections
            # (positions on CCG bodies, senates and networks, LMCs, ...), as "how do I get involved
            # in commissioning?" does; "what is involved in commissioning?" asks neither.
            subject = cand.chunk.title.split(" (", 1)[0]
            word = heading.strip().rstrip("?").lower()
            asks_it = asks_for_list(question) or re.search(rf"^\W*{re.escape(word)}\b", question, re.I)
            # "How can an SAS doctor get a voice in local commissioning decisions?", "as a trust
            # medical director, how should our consultants engage with the new CCGs?": a "how"
            # ask whose best passage is the "How?" section's own opening asks for its routes,
            # though it names the document's subject in other words.
            opening = cand is cands[0] and cand.chunk.section == parent
            how = word == "how" and asks_how(asking_sentence(question))
            # Named through the title, the routes are asked for only where the document is the
            # best match: "How are patients and the public meant to be involved in commissioning?"
            # names the title's words, and its best passages are the BMJ's on patient engagement,
            # not the routes for consultants and SAS doctors (0.17 below).
            among_best = cand.chunk.doc_id == cands[0].chunk.doc_id or cand.score >= cands[0].score - TITLE_MARGIN
            if not ((asks_it and among_best and _named(subject, asked)) or (opening and how)):
                continue
            heading = f"{subject}: {heading}"
        points = _points(cand.chunk, parent, index)
        if len(points) >= MIN_POINTS:
            intro = _opening(cand.chunk, parent, index) if named else _intro(cand.chunk, parent, index)
            by = ""
            if intro is not None and any(first_person(t) for t in intro[0]):
                labels = signers(intro[1], index.sentences.get(intro[1].chunk_id, ([], None))[0], index)
                by = next((label for label in labels if label), "")
            return Outline(heading, tuple(points), named, intro, intro_by=by, details=_details(points, index))
    return None


def _label(point: str) -> str:
    """A point's heading without its number ("7. NHS England" → "NHS England")."""
    m = _NUMBERED.match(point)
    return (m.group(2) if m else point).strip()


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


# A point's heading with no closing stop is a label: "7. NHS England", and the BMJ guide's "1.
# Reducing referrals by creating joint clinical pathways with secondary care", which names a
# strategy and leaves what was done to its section ("Seventeen clinical pathways were developed
# ..."). Quick wins were answered with their four headings alone, each citation quoting only its
# heading: a tester read "all the content and figures are missing".
_CLOSED = re.compile(r"[.!?][\"”’)]*$")
# A point's detail has at least this many words.
DETAIL_WORDS = 5
_BULLET = re.compile(r"^•\s*")


def _details(points: Sequence[tuple[str, Chunk]], index: LoadedIndex) -> tuple[str, ...] | None:
    """Each point's first sentence that states something (its first item of a list, where its
    section is one), when every point's heading is a label; else None."""
    out: list[str] = []
    for point, chunk in points:
        if _CLOSED.search(_label(point)):
            return None
        sentences = [t.strip() for t in index.sentences.get(chunk.chunk_id, ([], None))[0]]
        # In the order written: a section that opens on its list opens on its first item (a
        # sentence after an item's first is that item's, "(Ten more are currently being developed.)").
        first = next(
            (
                _BULLET.sub("", t)
                for t in sentences
                if (is_statement(t) or t.startswith("• ")) and len(_BULLET.sub("", t).split()) >= DETAIL_WORDS
            ),
            None,
        )
        if first is None:
            return None
        out.append(first)
    return tuple(out)


# How many of a section's opening sentences come before its numbered sections in the answer.
INTRO_SENTENCES = 2


def _intro(chunk: Chunk, parent: str, index: LoadedIndex) -> tuple[tuple[str, ...], Chunk] | None:
    """The first passage of section `parent` itself (before its numbered sections), with its
    first sentences; None when the section opens straight on its first point."""
    own = sorted((c for c in index.around(chunk, REACH) if c.section == parent), key=lambda c: c.position)
    if not own:
        return None
    sentences = index.sentences.get(own[0].chunk_id, ([], None))[0]
    first = tuple(s.strip() for s in sentences[:INTRO_SENTENCES] if s.strip())
    return (first, own[0]) if first else None


# A figure as a result states one: a share, a sum or a number in digits.
_FIGURE = re.compile(r"\d\s?%|£\s?\d|\b\d[\d,.]*\b")


def _opening(chunk: Chunk, parent: str, index: LoadedIndex) -> tuple[tuple[str, ...], Chunk] | None:
    """What a named section says before its numbered sections, when it says what they achieved
    or what they are for: its sentences that state a figure ("a 4% reduction in secondary care
    referrals ... and a £2.1 million reduction in spending on outpatient services", which the
    quick wins were chosen for), else its first statement ("The most logical approach is to focus
    on clinical areas ... eg urgent care ..."); None when it opens straight on its first point.
    A tester read the quick wins without their results as "all the content and figures are
    missing"."""
    opened = _intro(chunk, parent, index)
    if opened is None:
        return None
    own = opened[1]
    sentences = [t.strip() for t in index.sentences.get(own.chunk_id, ([], None))[0]]
    figures = tuple(t for t in sentences if is_statement(t) and _FIGURE.search(t))[:INTRO_SENTENCES]
    if figures:
        return figures, own
    first = next((t for t in sentences if is_statement(t) and len(t.split()) >= DETAIL_WORDS), None)
    return ((first,), own) if first else None
