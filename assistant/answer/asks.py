"""What a message asks: the question(s) in it, apart from the writer's situation.

Doctors write "ST5 in anaesthetics here - is commissioning something I should care about and
how could I get involved?": a situation, then two asks. Matching the whole message against the
guidance dilutes it with words the documents never use ("ST5", "anaesthetics"), and answering it
as one question answers at most one of its asks. This module splits a message, without a model:

- the *context*: leading clauses that ask nothing ("I'm a salaried GP,", "our CCG wants to X.");
- the *asks*: each interrogative clause, split at "?" and at "and/or/also/plus/but" before a new
  interrogative ("..., and can the hospital doctor come from our own trust?"); choices offered
  without a question of their own ("- the ICB or NHS England?") stay with the ask before them.

Every ask keeps enough words to be searched on its own; a fragment too small to stand alone
("and why?") stays with the ask before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..retrieval.kinds import SUBORDINATE
from ..retrieval.lexical import terms
from .smalltalk import pleasantry

# Words that open a question (or an indirect one: "wondering whether", "not sure if").
_INTERROGATIVE = (
    r"what|what's|whats|how|who|whom|whose|when|where|why|which|can|could|do|does|did|is|are|am|was|were|"
    r"should|shall|will|would|must|may|might|has|have|had|any|anyone|tell|explain|whether|pls|please"
)
_OPENS_ASK = re.compile(rf"^\s*(?:{_INTERROGATIVE})\b", re.I)
# "and can ...", "also what ...", "plus how ...", "or do ...": a second ask inside one sentence.
# ("Is there a national rate, or is it agreed locally?": each alternative is judged on its own,
# so the guidance can answer the one it covers.)
_JOINED_ASK = re.compile(rf"((?:,|;|\s)\s*(?:and(?: also)?|also|plus|or|but)\s+)(?=(?:{_INTERROGATIVE}|i|we)\b)", re.I)
# "who holds our contract - the ICB or NHS England?": choices offered for the ask before them.
_CHOICES = re.compile(r"\bor\b", re.I)
# Clause breaks inside a message: sentence ends, dashes and colons used as separators, new lines,
# and a comma before a question word ("fy2 here, how do i get involved").
_CLAUSE = re.compile(
    r"(?<=[?!.])\s+|\s+[-–—]+\s+|\s*:\s+|\n+|,\s+(?=(?:how|what|who|when|where|why|which|can|could|"
    r"do|does|should|shall|will|would|is|are|am|any|pls|please)\b)",
    re.I,
)
# A prepositional phrase that opens the ask's sentence ("In the Kent model,", "For the East Riding
# CCG,", "Under co-commissioning,"): what the ask is about.
_SCOPE = re.compile(r"^\s*(in|for|at|under|within|across|regarding|on)\s+(?!(i|we|my|our)\b)", re.I)
MAX_SCOPE_WORDS = 12
MIN_ASK_TERMS = 1
MAX_ASKS = 3


@dataclass(frozen=True)
class Asks:
    """A message taken apart: `context` (may be empty) and one to three `parts`."""

    message: str
    context: str
    parts: tuple[str, ...]

    @property
    def scope(self) -> str:
        """The context's closing phrase when it scopes the asks rather than describing the writer
        ("In the Kent model, what did each pair work on?" → "In the Kent model"): what the asks
        are about, so they are judged and answered with it; "" otherwise."""
        last = self.context.rpartition(". ")[2].strip()
        return last if _SCOPE.match(last) and len(last.split()) <= MAX_SCOPE_WORDS else ""

    @property
    def focus(self) -> str:
        """The asks without the context: what retrieval and answerability should judge."""
        return " ".join(self.parts)

    @property
    def multi(self) -> bool:
        return len(self.parts) > 1


def _same_ask(part: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", part.lower()).split())


def _asks_something(clause: str) -> bool:
    # "When the board discusses our CCG," before "should I stay in the room?" sets the scene, as
    # "If I join," does: it opens with "when" but asks nothing of its own.
    return clause.rstrip().endswith("?") or bool(_OPENS_ASK.match(clause) and not SUBORDINATE.match(clause))


def _standalone(part: str) -> bool:
    return len(terms(part)) >= MIN_ASK_TERMS


def split_asks(message: str) -> Asks:
    text = " ".join(message.split())
    # "ok, and does it ...?", "hi all - ...", "... thanks": a greeting, thanks or acknowledgement
    # is neither the writer's situation nor an ask ("ok" became an ask of its own and was told
    # the guidance does not cover it).
    clauses = [c.strip() for c in _CLAUSE.split(text) if c and c.strip() and not pleasantry(c)]
    if not clauses:
        return Asks(message, "", (text,))
    # Leading clauses that ask nothing are the writer's situation; the rest is the question.
    first = next((i for i, c in enumerate(clauses) if _asks_something(c)), None)
    if first is None:  # a statement-like request ("tell me about CSUs" is caught above)
        return Asks(message, "", (text,))
    context = " ".join(clauses[:first])
    asking = clauses[first:]
    parts: list[str] = []
    for clause in asking:
        # The leading space lets a clause that opens with "and is there..." (after a "?") split too.
        pieces = _JOINED_ASK.split(f" {clause}")
        # re.split with a group alternates piece, joiner, piece, ...: keep each joiner to glue
        # back a piece that cannot stand alone.
        joiners = ["", *pieces[1::2]]
        for joiner, piece in zip(joiners, pieces[0::2], strict=True):
            piece = piece.strip(" ,;")
            if not piece or pleasantry(piece):
                continue
            if parts and (
                not _standalone(piece)
                or not _asks_something(piece)
                or (not _OPENS_ASK.match(piece) and _CHOICES.search(piece))
            ):
                # "and why?", a trailing remark or the choices for an ask belong to the ask before it.
                parts[-1] = f"{parts[-1]}{joiner or ' '}{piece}"
            else:
                parts.append(piece)
    # The same ask twice (pasted again, or sent as a "did you see this?" repeat) is one ask: the
    # second copy was answered from what was left after the first took the best sentences.
    kept: dict[str, str] = {}
    for p in parts:
        if p.strip():
            kept.setdefault(_same_ask(p), p)
    parts = list(kept.values())
    if not parts:
        return Asks(message, "", (text,))
    if len(parts) > MAX_ASKS:
        parts = [*parts[: MAX_ASKS - 1], " ".join(parts[MAX_ASKS - 1 :])]
    # A context with nothing to search in it is noise; one with content terms stays as context.
    if not _standalone(context) and context:
        parts[0] = f"{context} {parts[0]}"
        context = ""
    if not all(_standalone(p) for p in parts):
        # Too small to split (e.g. "who and why?", "Is it, or is it murkier?"): answer the
        # asking clauses as one question, as written.
        return Asks(message, context, (" ".join(asking),))
    return Asks(message, context, tuple(parts))
