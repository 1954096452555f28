"""One reply from the parts of a multi-part message: each part under its ask, in the order
asked, with one numbering of citations (a passage cited by two parts keeps one number, and every
`[n]` points at a citation of this reply), and the parts' retrieved passages interleaved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..gate.asks import without_introduction
from ..gate.persons import PERSON_NOW
from ..gate.scope import Scope
from ..messages import render
from ..types import QUOTE_SEP, Citation, Hit
from .parts import Part, now_notice, part_text, unnamed

_MARK = re.compile(r"\[(\d+)\]")


def _as_heading(ask: str) -> str:
    # An ask carries a remark that followed it ("Who actually writes it? ccg keeps mentioning it
    # in meetings"), for retrieval's sake; its heading is the question. One that holds a second,
    # short question ("who sits on a ccg board? how do i get on it?") keeps it: the reader asked it.
    ask = without_introduction(ask.strip())
    if not ask.endswith("?") and "?" in ask:
        ask = ask[: ask.rindex("?") + 1]
    ask = ask.rstrip(".?!") + "?"
    return ask[:1].upper() + ask[1:]


def merge(parts: Sequence[Part], scope: Scope | None = None) -> tuple[str, list[Citation]]:
    """One text and one citation list for a multi-part reply, each part under its ask.
    `scope`: the nations the corpus names, for a part refused as about another."""
    covered = scope.covered_text() if scope is not None else ""
    numbers: dict[str, int] = {}  # chunk id -> number in the merged reply
    citations: list[Citation] = []
    paragraphs: list[str] = []
    for part in parts:
        heading = _as_heading(part.ask)
        if part.outcome == "refuse" or part.composition is None:
            if part.after is not None:
                why = render("part_not_covered_superseded", thing=part.after.label)
            elif scope is not None and (home := scope.home_instead_of(part.outside)):
                why = render("part_not_covered_unspoken", nation=part.outside, home=home)
            elif part.outside:
                why = render("part_not_covered_outside", nation=part.outside, covered=covered or "none")
            elif part.signals.get(PERSON_NOW):
                why = render("part_not_covered_person_now")
            elif whom := unnamed(part):
                why = render("part_not_covered_unnamed", whom=whom)
            elif notice := now_notice(part):
                # "... in my area now - is it still the PCT?": the one thing the sources know of
                # today, that PCTs were abolished in 2013, rather than "does not cover this part".
                why = render("part_not_covered_now_notice", notice=notice)
            else:
                why = render("part_not_covered_clinical") if part.clinical else render("part_not_covered")
            paragraphs.append(f"{heading}\n{why}")
            continue
        if part.composition.above and not part.composition.text.strip():
            # Two asks about one thing ("are they expecting that? how are they covering
            # themselves?") draw the same sentences: the later one was composed knowing what the
            # earlier printed (`compose(shown=...)`), so it says so rather than print them twice.
            keys = [_key(c) for c in part.composition.citations]
            refs = ", ".join(f"[{numbers[k]}]" for k in keys if k in numbers)
            # Said as this part was judged: answered by those sentences, or only as close as
            # the guidance comes.
            template = "part_answered_above" if part.outcome == "answer" else "part_same_passages"
            paragraphs.append(f"{heading}\n{render(template, refs=refs)}")
            continue
        local: dict[int, int] = {}
        for c in part.composition.citations:
            key = _key(c)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(_renumbered(c, numbers[key]))
            else:
                _extend_quote(citations, numbers[key], c.quote)
            local[c.n] = numbers[key]
        body = _MARK.sub(lambda m: f"[{local.get(int(m.group(1)), int(m.group(1)))}]", part.composition.text)
        above = ", ".join(f"[{n}]" for n in sorted({local[n] for n in part.composition.above if n in local}))
        text = part_text(part, " ", above, body)
        paragraphs.append(f"{heading}\n{text}")
    return "\n\n".join(paragraphs), citations


def _key(c: Citation) -> str:
    return f"{c.doc_id}\0{c.text}"


def _renumbered(c: Citation, n: int) -> Citation:
    return replace(c, n=n)


def _extend_quote(citations: list[Citation], n: int, quote: str) -> None:
    i = n - 1
    have = citations[i].sentences
    extra = [q for q in quote.split(QUOTE_SEP) if q and q not in have]
    if extra:
        citations[i] = replace(citations[i], quote=QUOTE_SEP.join(have + extra))


def interleave(hit_lists: Sequence[Sequence[Hit]], k: int) -> list[Hit]:
    """Every part's best passages first, then their next ones, without repeats; re-ranked 1..k."""
    seen: set[str] = set()
    out: list[Hit] = []
    depth = max((len(h) for h in hit_lists), default=0)
    for r in range(depth):
        for hits in hit_lists:
            if r < len(hits) and hits[r].chunk.chunk_id not in seen:
                seen.add(hits[r].chunk.chunk_id)
                out.append(hits[r])
    return [Hit(i + 1, h.chunk, h.score, h.dense, h.lexical) for i, h in enumerate(out[:k])]


def with_cited(hits: list[Hit], parts: Sequence[Part], citations: Sequence[Citation]) -> list[Hit]:
    """`hits` and, after them, each passage the reply cites that they lack, scored as the
    candidate it was: a multi-part reply's hits are cut to k across its parts, and an outline
    cites its sections wherever they rank (outline.py). Interfaces find each cited passage among
    the retrieved."""
    cited = {(c.doc_id, c.text) for c in citations}
    held = {(h.chunk.doc_id, h.chunk.text) for h in hits}
    out = list(hits)
    for part in parts:
        scored = {c.chunk.chunk_id: c for c in part.cands}
        for chunk in [h.chunk for h in part.hits] + (part.outline.chunks if part.outline else []):
            key = (chunk.doc_id, chunk.text)
            if key in cited and key not in held:
                held.add(key)
                c = scored.get(chunk.chunk_id)
                out.append(Hit(len(out) + 1, chunk, *((c.score, c.dense, c.lexical) if c else (0.0, 0.0, 0.0))))
    return out
