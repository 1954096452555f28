"""What a message asks: the question(s) in it, apart from the writer's situation.

Doctors write "ST5 in anaesthetics here - is commissioning something I should care about and
how could I get involved?": a situation, then two asks. Matching the whole message against the
guidance dilutes it with words the documents never use ("ST5", "anaesthetics"), and answering it
as one question answers at most one of its asks. This module splits a message, without a model:

- the *context*: leading clauses that ask nothing ("I'm a salaried GP,", "our CCG wants to X.");
- the *asks*: each interrogative clause, split at "?" and at "and/or/also/plus/but" before a new
  interrogative ("..., and can the hospital doctor come from our own trust?"); choices offered
  without a question of their own ("- the ICB or NHS England?"), a short alternative ("or can we
  opt out?") and a request for the answer's form ("explain in 2 lines") stay with the ask before
  them. Not knowing is asking: "no idea what commissioning even is" is read as "what is
  commissioning".

Every ask keeps enough words to be searched on its own; a fragment too small to stand alone
("and why?") stays with the ask before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..retrieval.ask_kinds import SUBORDINATE
from ..retrieval.lexical import terms
from .smalltalk import pleasantry

# Words that open a question (or an indirect one: "wondering whether", "not sure if").
_INTERROGATIVE = (
    r"what|what's|whats|how|who|whom|whose|when|where|why|which|can|could|do|does|did|is|are|am|was|were|"
    r"should|shall|will|would|must|may|might|has|have|had|any|anyone|tell|explain|whether|pls|please|"
    r"wtf|wth|wat|wats|wot|"
    # "... and r we first wave?": "r" for "are", before whom it asks about.
    r"r(?=\s+(?:we|u|you|they|there|i|these|those)\b)"
)
# A word or two of chat before the question word: "realistically how many days a wk does it eat
# up", "honestly what's the point". Unread, the clause was taken for the writer's situation and
# the message's ask was what followed it ("contracts, sick pay etc?").
_LEAD_IN = (
    r"(?:(?:so|ok|okay|right|also|then|just|actually|realistically|honestly|basically|seriously|genuinely|"
    r"roughly|practically|really|quick q|q)[,:]?\s+){0,2}"
)
# "and by when do they ...", "and to whom do I ...": a question word after its preposition, with a
# verb of its own ("and for how long?" is the ask before it, asked for its duration).
_PREPOSED = (
    r"(?:(?:by|for|from|in|to|at|on|with|until|till)\s+(?=(?:when|what|which|whom|whose|how|who|where)"
    r"(?:\s+\w+){0,2}\s+(?:do|does|did|is|are|was|were|can|could|should|will|would|must|has|have|had)\b))?"
)
_OPENS_ASK = re.compile(rf"^\s*{_LEAD_IN}{_PREPOSED}(?:{_INTERROGATIVE})\b", re.I)
# "and can ...", "also what ...", "plus how ...", "or do ...": a second ask inside one sentence.
# An alternative after "or" is an ask of its own only with OR_MIN_TERMS words to search on ("or
# does each CCG set its own pay for the role?"). A short one is the same question from its other
# side ("do we have to join the ccg or can we opt out?", "or is it agreed locally?") or leaves its
# verb to the ask before it ("do ccgs hold the budget or does nhs england"): split off, it was
# searched and judged on two or three words ("Does nhs england?") and answered apart. Kept whole:
# unseen splits MRR 0.787 -> 0.793, first sentence 0.511 -> 0.521.
# "also" right after its subject ("is that a conflict if i also do private work?") is the
# clause's adverb, not a second ask: split there, the message asked "Do private work?". Chat's
# "n" and "&" join asks as "and" does ("wats AQP n are ccgs using it").
_JOINED_ASK = re.compile(
    rf"((?:,|;|\s)\s*(?:and(?: also)?|n|&|(?<!\bi\s)(?<!\bwe\s)(?<!\byou\s)(?<!\bu\s)(?<!\bthey\s)also|plus|or|but)\s+)"
    rf"(?=(?:{_PREPOSED}(?:{_INTERROGATIVE})|i|we)\b)",
    re.I,
)
# "who holds our contract - the ICB or NHS England?": choices offered for the ask before them.
_CHOICES = re.compile(r"\bor\b", re.I)
# Clause breaks inside a message: sentence ends, dashes and colons used as separators, new lines,
# and a comma before a question word ("fy2 here, how do i get involved").
_CLAUSE = re.compile(
    r"(?<=[?!.])\s+|\s+[-–—]+\s+|\s*:\s+|\n+|,\s+(?=(?:how|what|who|when|where|why|which|can|could|"
    r"do|does|should|shall|will|would|is|are|am|any|pls|please)\b)",
    re.I,
)
_SEPARATED = re.compile(f"({_CLAUSE.pattern})", re.I)
_DASH = re.compile(r"[-–—:]")
_JOINER = re.compile(r"^\s*(?:and|also|plus|or|but)\s+", re.I)
# The same breaks, and a comma before chat's "whats", "whos" or "wot" too: where an introduction
# ends, for showing an ask without it (`without_introduction`), and for splitting a message whose
# clauses otherwise ask nothing ("PM here, whats a CSU and do practices pay for it": whole, its
# role and both asks were searched and judged as one ask, and refused). Splitting every message
# there moved one unseen near-miss from refused to partial and cost a key fact, so `_CLAUSE` is
# left as it is.
_INTRODUCED = re.compile(rf"{_CLAUSE.pattern}|,\s+(?=(?:whats|what's|what’s|whos|who's|who’s|wot|wat)\s)", re.I)
_INTRODUCED_SEPARATED = re.compile(f"({_INTRODUCED.pattern})", re.I)
# "no idea what commissioning even is tbh", "not sure how the CCG picks its board": a question
# asked as a statement of not knowing. As the writer's situation it left the message's ask to be
# "can u explain in 2 lines" alone, which was searched and answered on its own.
_WONDERS = re.compile(
    r"^\s*(?:(?:i|im|i'm|i’m|i am|ive|i've|i’ve|i have|been|still|honestly|tbh|genuinely|really|totally|"
    r"a bit|bit|kinda|so|just)\s+){0,3}"
    r"(?:no idea|not sure|unsure|(?:do not|don'?t|dont) (?:know|understand|get)|no clue|clueless|"
    r"wondering|never understood|confused)\s+(?:about\s+)?(?P<wh>what|how|who|why|when|where|which|whether)\b",
    re.I,
)
# The indirect question's own order: "what <thing> (even) is", "who <thing> are".
_INDIRECT_WHAT = re.compile(
    r"(?P<wh>what|who)\s+(?P<thing>(?:\S+\s+){0,5}?\S+)\s+(?:(?:even|actually|exactly|really)\s+)?"
    r"(?P<verb>is|are)\b(?P<rest>.*)$",
    re.I | re.S,
)
# The words of a request for an answer's form, not its subject ("explain in 2 lines", "tell me
# simply"): such an ask goes with the one before it. Stems, as `terms` gives them.
_REQUEST_TERMS = frozenset(
    terms(
        "explain explains tell describe summarise summarize line lines sentence sentences word words simple "
        "simply brief briefly short plain english layman laymans terms quick quickly two three few u pls plz"
    )
)
# A prepositional phrase that opens the ask's sentence ("In the Kent model,", "For the East Riding
# CCG,", "Under co-commissioning,"): what the ask is about.
_SCOPE = re.compile(r"^\s*(in|for|at|under|within|across|regarding|on)\s+(?!(i|we|my|our)\b)", re.I)
MAX_SCOPE_WORDS = 12
MIN_ASK_TERMS = 1
MAX_ASKS = 3
OR_MIN_TERMS = 3  # see _JOINED_ASK


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
    return (
        clause.rstrip().endswith("?")
        or bool(_OPENS_ASK.match(clause) and not SUBORDINATE.match(clause))
        or bool(_WONDERS.search(clause))
    )


def _direct(part: str) -> str:
    """ "no idea what commissioning even is tbh" -> "what is commissioning tbh": an ask for what a
    thing is, put as not knowing, in the words of the question it stands for, so that it is
    answered, like "what is commissioning?", by what the thing is."""
    m = _WONDERS.match(part)
    if m is None:
        return part
    inner = _INDIRECT_WHAT.match(part[m.end() - len(m.group("wh")) :])
    if inner is None:
        return part
    return f"{inner.group('wh')} {inner.group('verb')} {inner.group('thing')}{inner.group('rest')}"


# An ask put as an instruction ("List the new commissioning structures.", "Tell me about CSUs"):
# the verb says the answer's form, as "what" does, and is no word of its subject. Searched and
# judged with it, "list" (a word the guidance never writes, so as rare as a word can be) left a
# third of the ask uncovered, and the list headed "What are the new structures?" came hedged.
_REQUEST = re.compile(
    r"^\W*(?:(?:please|pls|plz|can you|could you|would you|can u|could u)\s+)?"
    r"(?:list(?:\s+of\b)?|name(?!\s+(?:of|is|was|for)\b)|describe|explain|outline|summari[sz]e|define|"
    r"(?:give|tell|show)\s+(?:me|us)(?:\s+more)?(?:\s+(?:about|on)\b)?)\b\s*",
    re.I,
)


# "In plain English, what does commissioning actually mean?", "what's a CSU in a nutshell": how
# the writer wants the answer put, which no passage says. Judged with it, "English" read as a
# name no passage holds and "plain" as a rare word uncovered, and the ask the bare question
# answers outright was refused (probability 0.09 against 0.89).
_MANNER = re.compile(
    r"[,;:]?\s*\b(?:in\s+(?:plain|simple|everyday|layman'?s|laymans|lay|basic)\s+(?:english|terms|language|words)"
    r"|(?:put|said)\s+simply|simply\s+put|in\s+a\s+nutshell|for\s+dummies|eli5)\b\s*[,;:]?",
    re.I,
)


def without_request(ask: str) -> str:
    """`ask` without an opening instruction verb ("List the new commissioning structures." ->
    "the new commissioning structures.") or a phrase saying how to put the answer ("in plain
    English"); unchanged when nothing would be left."""
    bare = _MANNER.sub(" ", ask).strip()
    bare = bare if terms(bare) else ask
    m = _REQUEST.match(bare)
    return bare[m.end() :] if m is not None and terms(bare[m.end() :]) else bare


def _only_requests(part: str) -> bool:
    # "can u explain in 2 lines", "pls explain simply": how to answer, not what about.
    words = terms(part)
    return bool(words) and all(w in _REQUEST_TERMS or w.isdigit() for w in words)


def _standalone(part: str) -> bool:
    return len(terms(part)) >= MIN_ASK_TERMS


# "Two q's: 1) what is the single operating model 2) how many local area teams ...", "(a) ...
# (b) ...": a numbered list of asks. The number marks where an ask begins, as a question mark ends
# one; unread, the two asks were searched and answered as one.
_ENUMERATED = re.compile(r"(?:^|\s)\(?(?:[1-9]|[a-e])[).]\s+(?=[a-z])", re.I)


def _unnumbered(text: str) -> str:
    """`text` with a numbered list of asks made clauses: each marker a clause break. Only where
    at least two markers count up ("1) ... 2) ...", "a) ... b) ..."): "Section 2. Monitor" or
    "a 3. 5% rise" are not lists."""
    marks = list(_ENUMERATED.finditer(text))
    labels = [re.sub(r"[^0-9a-z]", "", m.group(0).lower()) for m in marks]
    if len(marks) < 2 or not all(ord(b) == ord(a) + 1 for a, b in pairwise(labels)):
        return text
    return _ENUMERATED.sub("\n", text).strip()


def without_introduction(ask: str) -> str:
    """`ask` from its first clause that asks something: "fy2 here, whats a CSU" -> "whats a CSU".
    An introduction with nothing to search in it travels with the first ask (`split_asks`), and
    was echoed back as that part's heading ("Fy2 here, whats a CSU?")."""
    starts = [0, *(m.end() for m in _INTRODUCED.finditer(ask))]
    for start in starts:
        rest = ask[start:].strip()
        first = _INTRODUCED.split(rest, maxsplit=1)[0]
        if _asks_something(first):
            return rest
    return ask


def _clauses(text: str, separated: re.Pattern[str]) -> tuple[list[str], list[bool]]:
    """The clauses of `text` that are not pleasantries, each with whether a dash or colon came
    before it (re.split alternates clause and separator)."""
    pieces = separated.split(text)
    split = [(c.strip(), bool(_DASH.search(sep))) for c, sep in zip(pieces[0::2], ["", *pieces[1::2]], strict=True)]
    kept = [(c, dash) for c, dash in split if c and not pleasantry(c)]
    return [c for c, _dash in kept], [dash for _c, dash in kept]


def split_asks(message: str) -> Asks:
    text = _unnumbered(" ".join(message.split()))
    # "ok, and does it ...?", "hi all - ...", "... thanks": a greeting, thanks or acknowledgement
    # is neither the writer's situation nor an ask ("ok" became an ask of its own and was told
    # the guidance does not cover it).
    clauses, dashed = _clauses(text, _SEPARATED)
    if not clauses:
        return Asks(message, "", (text,))
    # Leading clauses that ask nothing are the writer's situation; the rest is the question.
    first = next((i for i, c in enumerate(clauses) if _asks_something(c)), None)
    if first is None:
        clauses, dashed = _clauses(text, _INTRODUCED_SEPARATED)
        first = next((i for i, c in enumerate(clauses) if _asks_something(c)), None)
    if first is None:  # a statement-like request ("tell me about CSUs" is caught above)
        return Asks(message, "", (text,))
    context = " ".join(clauses[:first])
    asking = clauses[first:]
    parts: list[str] = []
    for clause, after_dash in zip(asking, dashed[first:], strict=True):
        # "what's the employment side like for GP leads - contracts, sick pay etc?": what follows
        # a dash or colon without a question word of its own says what the ask before it means.
        if parts and after_dash and not _OPENS_ASK.match(_JOINER.sub("", clause)):
            parts[-1] = f"{parts[-1]} - {clause}"
            continue
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
                or _only_requests(piece)
                or (joiner.strip(" ,;").lower() == "or" and len(terms(piece)) < OR_MIN_TERMS)
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
    parts = [_direct(p) for p in kept.values()]
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
