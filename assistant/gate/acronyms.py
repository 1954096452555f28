"""Acronyms: the initials a text spells one out with, and whether an ask for what one is finds it
spelt out or defined.

"what is QIPP?" was answered outright with "Many of these initiatives should already be included
in the QIPP plans.": the corpus's one sentence that names QIPP, found because it holds the ask's
only word, and rated as an answer because it matches that word perfectly. It says nothing of what
QIPP is. An ask for what an acronym is, answered by passages that neither spell it out
("Quality and Outcomes Framework (QOF)", "CSUs (commissioning support units)") nor say what it
is ("QIPP is ...", "QIPP stands for ..."), is answered at most in part: the guidance mentions the
thing without saying what it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..retrieval.ask_kinds import asks_what_it_is
from ..retrieval.docfiles import passage_text
from ..retrieval.index import LoadedIndex
from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate
from ..retrieval.rewrite import synonym_groups
from ..retrieval.sentence_kinds import defines

ACRONYM_UNDEFINED = "acronym_undefined"  # the signal recorded when it fires
# An acronym as written: capitals, perhaps with digits, perhaps a plural "s" ("ICBs", "CT1").
ACRONYM = re.compile(r"\b([A-Z][A-Z0-9]{1,5})s?\b")
# An acronym that says what the writer is or does: after "I" or "I'm", and ending its phrase
# ("before I CCT?", "I'm an ST5 in anaesthetics"). It places the writer; it is not what the ask is
# about. Followed by a noun it names a body instead ("I'm an ICB non-exec, does ..."), and "we"
# is often one ("we're a PCN"): those are still read.
_WRITERS = re.compile(
    r"\b(?i:i(?:'m|’m| am)?)\s+(?:(?i:an?|now|just|still)\s+)?([A-Z][A-Z0-9]{1,5})s?\b"
    r"(?=\s*(?:[,.?!;:)\-–—]|$)|\s+(?i:in|at|and|here|now|so|but|with|from|doing|working|on|or)\b)"
)
# Words an acronym's spelling-out skips ("health and wellbeing board" is HWB).
LINKING = frozenset({"and", "of", "the", "for", "in", "on", "to"})
# The words of an ask for what something is, besides the thing: "what does QIPP stand for?".
_ASKING = frozenset(
    {"what", "whats", "what's", "is", "are", "was", "were", "does", "do", "did", "mean", "means", "stand", "stands"}
    | {"for", "a", "an", "the", "exactly", "even", "actually", "really", "s", "by", "meant", "definition", "of"}
    | {"define", "please", "pls", "again", "it", "that", "this", "abbreviation", "acronym"}
)
# How many of the top passages may spell it out.
TOP = 3


def initials(text: str) -> str:
    """The initials of `text`'s words, the little linking ones skipped: an acronym the text spells
    out is a run of them ("emergency department" for ED, "health and wellbeing board" for HWB).
    Two letters also occur by chance ("each doctor"), so a two-letter acronym is rarely unknown."""
    return "".join(w[0] for w in re.findall(r"[a-z]+", text.lower()) if w not in LINKING)


def writers_own(ask: str) -> set[str]:
    """The acronyms in `ask` that say what its writer is or does (see _WRITERS)."""
    return set(_WRITERS.findall(ask))


def asked_acronym(ask: str, cands: Sequence[Candidate]) -> str | None:
    """The acronym `ask` asks what it is, upper case ("what is qipp?" -> "QIPP"): the ask is one
    for what something is, and its only word besides the asking ones is written in capitals in the
    ask or in its top passages. None otherwise ("what is a CCG's governance committee for?" asks
    about a committee)."""
    if not asks_what_it_is(ask):
        return None
    words = [w for w in re.findall(r"[A-Za-z0-9']+", ask) if w.lower().strip("'") not in _ASKING]
    if len(words) != 1:
        return None
    word = words[0].strip("'")
    if word.lower().endswith("'s"):
        word = word[:-2]
    if word.isupper() or (word.endswith("s") and word[:-1].isupper()):
        # In capitals as written: "NHS" keeps its S, "CSUs" loses its plural.
        candidate = word if word.isupper() else word[:-1]
        return candidate if len(candidate) >= 2 and ACRONYM.fullmatch(candidate) else None
    # "what is qipp", "csus": an acronym when the top passages write it in capitals.
    for candidate in dict.fromkeys([word.upper(), word.upper()[:-1] if word.lower().endswith("s") else ""]):
        if len(candidate) >= 2 and ACRONYM.fullmatch(candidate):
            written = re.compile(rf"\b{re.escape(candidate)}s?\b")
            if any(written.search(c.chunk.text) for c in cands[:TOP]):
                return candidate
    return None


def spells(acronym: str, text: str) -> bool:
    """Whether `text` gives `acronym`'s words beside it: "Quality and Outcomes Framework (QOF)",
    "CSUs (commissioning support units)"."""
    letters = acronym.lower()
    for m in re.finditer(rf"\b{re.escape(acronym)}s?\b", text):
        before = text[: m.start()].rstrip()
        if before.endswith("(") and initials(" ".join(before[:-1].split()[-(len(letters) + 6) :])).endswith(letters):
            return True
        after = re.match(r"\s*\(([^)]{3,120})\)", text[m.end() :])
        if after and initials(after.group(1)).startswith(letters):
            return True
    return False


def spelt_out(acronym: str, text: str) -> bool:
    """Whether `text` spells `acronym` out beside it (`spells`) or says what it is ("QIPP is
    ...", "QIPP stands for", "ELIC (a social enterprise ...)")."""
    if spells(acronym, text):
        return True
    for m in re.finditer(rf"\b{re.escape(acronym)}s?\b", text):
        rest = text[m.end() : m.end() + 40]
        if re.match(r"\s+(stands for|means|refers to)\b", rest):
            return True
        # Described where it is named: "ELIC (a social enterprise set up in 2006 covering 30
        # practices ...)", "ELIC, a social enterprise, ..." ("AQP, the board says, ..." is not).
        if re.match(r"\s*(\(\s*(a|an|the)|,\s*(a|an))\s+[a-z]", rest):
            return True
    sentences = re.split(r"(?<=[.!?])\s+", text)
    asked = set(terms(acronym))
    return any(acronym in s and defines(s, asked) for s in sentences)


def undefined_acronym(ask: str, cands: Sequence[Candidate], index: LoadedIndex) -> str | None:
    """The acronym `ask` asks what it is when its top passages (with the sections they stand under)
    write it but none spells it out or says what it is; else None."""
    acronym = asked_acronym(ask, cands)
    if acronym is None:
        return None
    top = list(cands[:TOP])
    texts = [
        passage_text(chunk) for chunk in [*(c.chunk for c in top), *(e for c in top for e in index.enclosing(c.chunk))]
    ]
    written = re.compile(rf"\b{re.escape(acronym)}s?\b")
    # Passages that never write the acronym ("what's an HWB?" finding "Health and wellbeing
    # boards are ...") are about the thing by its name, or about something else: the
    # answerability signals' business (`acronym_unknown`), not this one's.
    if not any(written.search(t) for t in texts) or any(spelt_out(acronym, t) for t in texts):
        return None
    return acronym


def written_in_full(acronym: str, texts: Sequence[str]) -> str:
    """`acronym`'s words as one of `texts` writes them, found through the synonym list ("aqp |
    any qualified provider"), or "". The interview writes "AQP" in its answers and "any qualified
    provider" only in the question over them, which never puts the two side by side: "whats AQP"
    was answered with the leads' views and never said what the letters stand for."""
    letters = acronym.lower()
    for group in synonym_groups():
        if letters not in group:
            continue
        for phrase in group:
            if phrase != letters and initials(phrase) == letters:
                written = re.compile(rf"\b{re.escape(phrase)}\b", re.I)
                if any(written.search(t) for t in texts):
                    return phrase
    return ""
