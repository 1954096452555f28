"""A clinical commissioning group the ask names and the guidance never writes of.

"What did the chair of Kent CCG say about authorisation?": the guidance describes a Kent
primary care trust (NHS Eastern and Coastal Kent), no Kent CCG, and quotes no chair of one. The
passages about the Kent trust's GPs and another CCG's chair on authorisation match every word of
the ask, and quoted as a partial answer they invited the reader to take the trust's GP for the
CCG's chair. The names the guidance gives its CCGs are written within a few words before "CCG"
("Durham Dales, Easington and Sedgefield CCG", "South Manchester CCG"), so an ask naming one is
looked for there, in the passages retrieved for it (the read path stays per question).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CCG_UNWRITTEN = "ccg_unwritten"  # the signal recorded when it fires (core.py refuses the ask)

_CCG = r"(?:CCGs?|[Cc]linical [Cc]ommissioning [Gg]roups?)"
# One to three capitalised words right before it: "Kent CCG", "Leeds North CCG".
_NAMED = re.compile(rf"\b((?:[A-Z][a-z][\w'’-]*\s+){{1,3}}){_CCG}\b")
# Capitalised for the sentence or as a determiner, not a place: "Which CCG", "Our CCG", "NHS".
_DETERMINERS = (
    "a an the my our your their his her its this that these those which what whose each every any all some "
    "no new local other another same one two three many most shadow pathfinder nhs english england "
    "clinical commissioning group groups ccg ccgs does do did is are was were how who why when where can "
    "should would will about for in of on at to from with and or but if"
)
_NOT_PLACES = frozenset(_DETERMINERS.split())
# How many words may stand between the name's last word and "CCG" where the guidance writes it:
# "Durham Dales, Easington and Sedgefield CCG" is Durham's.
NAME_REACH = 6


def _names(ask: str) -> list[str]:
    out = []
    for m in _NAMED.finditer(ask):
        words = [w for w in m.group(1).split() if w.lower() not in _NOT_PLACES]
        if words:
            out.append(words[-1])
    return out


def unwritten_ccg(ask: str, passages: Iterable[str]) -> str | None:
    """The place of a "<place> CCG" the ask names that none of `passages` (the texts retrieved
    for it) writes before "CCG"; None when the ask names none, or every one it names is there."""
    names = _names(ask)
    if not names:
        return None
    text = " ".join(" ".join(p.split()) for p in passages)
    for name in names:
        near = rf"\b{re.escape(name)}\b(?:[\s,]+\S+){{0,{NAME_REACH}}}?[\s,]+{_CCG}\b"
        if not re.search(near, text, re.I):
            return name
    return None
