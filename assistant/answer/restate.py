"""An answer restated as asked (`gate/restate.py`): cut to its first sentences, or one sentence to
a line, with the sentences, their markers and their citations as composed.

A composition's text is prose whose sentences each end in a marker ("... [1]"), list items on
lines of their own ("- ... [2]") and the lines that introduce them ("These are:"). A list and the
line introducing it count as one sentence: cut from its items, "The BMA recommends:" says nothing.
What is cut takes its citations with it, and what is left is numbered again from 1.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..composition.render import Composition
from ..gate.restate import Restate
from ..messages import render
from ..types import QUOTE_SEP, Citation

_MARK = re.compile(r" ?\[(\d+)\]")
# Between two quoted sentences of a line: after one's marker.
_SENTENCE_END = re.compile(r"(?<=\])\s+(?=\S)")
_SIGNS = re.compile(r"[^a-z0-9]+")


def _units(text: str, items_apart: bool = False) -> list[list[str]]:
    """The text's sentences and lists, in order, each as its lines: a prose sentence is one
    line, a list is the lines introducing it and its items. What comes right before a list
    introduces it: a line ending in a colon, a heading (a line with no marker: "Get involved in
    commissioning: How?"), or the last sentence of the prose before it ("There are some areas
    which have been identified as clear points of engagement ... [1]"), which cut from its
    list points at nothing. `items_apart`: each item a unit of its own (the first with what
    introduces it), for "the top 3"."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    units: list[list[str]] = []
    for i, line in enumerate(lines):
        if line.startswith("- "):
            if i == 0 or (items_apart and lines[i - 1].startswith("- ")):
                units.append([line])
                continue
            if not lines[i - 1].startswith("- ") and not lines[i - 1].endswith(("]", ":")) and len(units) > 1:
                # A heading over the list: the sentence before it introduced both.
                units[-2:] = [units[-2] + units[-1]]
            units[-1].append(line)
            continue
        sentences = _SENTENCE_END.split(line)
        units.extend([s] for s in sentences)
    return units


# "- Positions on the CCG's decision-making bodies: You should contact your CCG to find out ...
# [2]": an item of a list of routes, its name and then what the source says under it.
_LABELLED_ITEM = re.compile(r"^- ((?:[^:\s]+\s+){0,9}[^:\s]+): .+?( \[\d+\])$")


def _labelled(line: str) -> str:
    """An item that names its point before a colon, cut to that name: shortened, a list of the
    eight routes into commissioning keeps the routes, not a paragraph on each."""
    m = _LABELLED_ITEM.match(line)
    return f"- {m[1]}{m[2]}" if m else line


def _laid_out(units: list[list[str]], bullets: bool) -> str:
    lines: list[str] = []
    prose: list[str] = []
    for unit in units:
        if not any(line.startswith("- ") for line in unit):
            if bullets:
                lines.extend(f"- {line}" for line in unit)
            else:
                prose.extend(unit)
            continue
        if prose:
            lines.append(" ".join(prose))
            prose = []
        lines.extend(unit)
    if prose:
        lines.append(" ".join(prose))
    return "\n".join(lines)


def _key(text: str) -> str:
    return _SIGNS.sub(" ", text.lower()).strip()


def _kept_quote(c: Citation, shown: str) -> str:
    """The citation's quote without the sentences the restated text no longer shows (all of it
    when none can be matched, rather than an empty quote)."""
    seen = _key(shown)
    kept = [q for q in c.sentences if _key(q)[:60] in seen]
    return QUOTE_SEP.join(kept) if kept else c.quote


def restated(c: Composition, how: Restate) -> Composition:
    """`c` cut to `how.sentences` sentences (lists count as one) and, with `how.bullets`, one
    sentence to a line; its citations kept only for what is still shown, numbered again."""
    units = _units(c.text, items_apart=how.first)
    if not units:
        return c
    cut = how.sentences is not None and len(units) > how.sentences
    if how.sentences is not None:
        units = units[: how.sentences]
        if not how.first:
            units = [[_labelled(line) for line in unit] for unit in units]
    text = _laid_out(units, how.bullets)
    if how.first and cut:
        # The guidance gives its points in its own order; "the top 3" are not its ranking.
        text = render("restate_unranked", n=how.sentences) + "\n" + text
    old = [int(n) for n in _MARK.findall(text)] + list(c.above)
    numbers: dict[int, int] = {}
    for n in old:
        numbers.setdefault(n, len(numbers) + 1)
    text = _MARK.sub(lambda m: f" [{numbers[int(m[1])]}]", text)
    citations = [
        replace(cit, n=numbers[cit.n], quote=_kept_quote(cit, text))
        for cit in sorted(c.citations, key=lambda cit: numbers.get(cit.n, 0))
        if cit.n in numbers
    ]
    return replace(c, text=text, citations=citations, above=tuple(numbers[n] for n in c.above))
