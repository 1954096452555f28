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
from ..types import QUOTE_SEP, Citation

_MARK = re.compile(r" ?\[(\d+)\]")
# Between two quoted sentences of a line: after one's marker.
_SENTENCE_END = re.compile(r"(?<=\])\s+(?=\S)")
_SIGNS = re.compile(r"[^a-z0-9]+")


def _units(text: str) -> list[list[str]]:
    """The text's sentences and lists, in order, each as its lines: a prose sentence is one
    line, a list is its introducing line (if any) and its items."""
    units: list[list[str]] = []
    listing = False
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if line.startswith("- "):
            if listing:
                units[-1].append(line)
            else:
                units.append([line])
                listing = True
        else:
            sentences = _SENTENCE_END.split(line)
            units.extend([s] for s in sentences)
            # A line ending in a colon introduces the items below it.
            listing = line.endswith(":")
    return units


def _laid_out(units: list[list[str]], bullets: bool) -> str:
    lines: list[str] = []
    prose: list[str] = []
    for unit in units:
        if len(unit) == 1 and not unit[0].startswith("- "):
            if bullets:
                lines.append(f"- {unit[0]}")
            else:
                prose.append(unit[0])
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
    units = _units(c.text)
    if not units:
        return c
    if how.sentences is not None:
        units = units[: how.sentences]
    text = _laid_out(units, how.bullets)
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
