"""Query rewriting: follow-ups folded into a standalone query, and domain synonyms.

No LLM: a follow-up ("and what about SAS doctors?") borrows the previous user question's
words, which carry the topic the follow-up leaves implicit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Container, Sequence
from functools import lru_cache
from importlib import resources

from ..types import Turn
from .ask_kinds import DEFINITION_Q
from .lexical import terms

_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|what about|how about|and what|and how|what if|same for|is that|does that|"
    r"do they|can they|what else|why|how so|which|so)\b",  # "so wheres the money coming from then"
    re.I,
)
_ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|that|this|those|these|there|he|she|his|her|one|theyre|theyve|theyll|theyd)\b", re.I
)


# How many earlier questions a chain of follow-ups may borrow: enough to reach the question that
# set the topic, not so many that the query becomes the whole conversation.
MAX_FOLDED = 3


def is_follow_up(question: str, before: str = "") -> bool:
    """Whether `question` is too thin to stand alone ("is it paid?", "and SAS doctors?"), or
    points back to what was just said (`before`: the answer or ask before it) by "the" and its
    words ("can the hospital doctor come from our own trust?" after an answer saying every CCG
    board has one)."""
    content = terms(question)
    return (
        bool(_FOLLOW_UP.match(question))
        or len(content) <= 3
        or (len(content) <= 6 and (bool(_ANAPHORA.search(question)) or refers_back(question, before)))
    )


# "the" and the one or two words after it: "the hospital doctor", "the seat on ...".
_DEFINITE = re.compile(r"\bthe\s+([a-z][a-z-]+)(?:\s+([a-z][a-z-]+))?", re.I)
# The sources themselves, and words that make no noun of their own after "the".
_NOT_REFERRING = frozenset(
    {"guidance", "guide", "document", "documents", "article", "source", "sources", "same", "other", "new", "next"}
)


def refers_back(question: str, before: str) -> bool:
    """Whether `question` names by "the" a thing `before` names, in its words or a synonym's:
    both words ("the hospital doctor" after "at least one hospital doctor" or "a secondary care
    doctor"), or the one when no second word of substance follows it ("the seat on my CCG's
    board" after "a seat on every CCG board")."""
    if not before:
        return False
    said = f" {_plain(before)} "

    def named(phrase: str) -> bool:
        # Or in the synonym list's other words: the answer said "a secondary care doctor".
        return _mentions(said, phrase) or any(
            _mentions(said, other) for group in groups_mentioned(phrase) if phrase in group for other in group
        )

    for m in _DEFINITE.finditer(question):
        first, second = m.group(1).lower(), (m.group(2) or "").lower()
        # "the health and wellbeing board": a name that goes on past this word.
        if first in _NOT_REFERRING or not terms(first) or second in ("and", "or", "of"):
            continue
        if second and terms(second):
            if named(f"{first} {second}"):
                return True
        elif named(first):
            return True
    return False


def carries_on(question: str, said: str = "") -> bool:
    """Whether a message carries on from the conversation before it: a follow-up, unless it
    asks what a thing is and names the thing by "a"/"an" or by an acronym in capitals ("whats
    a csu", "what does AQP stand for?"). However short, such a message starts a subject of its
    own: read as a follow-up, "whats a csu" after "who are the six ccg leads?" borrowed that
    question and was answered with the panel. (Within one message a thin ask still leans on the
    ask before it, `is_follow_up`: there the writer set the subject a line earlier.)

    Unless the answer before it (`said`) wrote that acronym: then the reader is asking about a
    word they have just read. "what is CARE?" after an answer quoting "an inferior Career Average
    Revalued Earnings (CARE) scheme", read alone, found passages about primary care."""
    if not is_follow_up(question, said):
        return False
    if not _names_a_new_thing(question):
        return True
    return any(re.search(rf"\b{re.escape(a)}s?\b", said) for a in _ACRONYM.findall(question)) if said else False


# Right after "what is" / "what's": the thing, by "a"/"an" or as an acronym ("the NI version"
# is a follow-up's: the version of what was just discussed). Inside "what does ... stand for /
# mean": an acronym.
_A_NEW_THING = re.compile(r"^\s*(?:an?\s+\w|[A-Z]{2,}s?\b)")
_ACRONYM = re.compile(r"\b[A-Z]{2,}s?\b")


def _names_a_new_thing(question: str) -> bool:
    asked = DEFINITION_Q.search(question)
    if asked is None or _FOLLOW_UP.match(question) or _ANAPHORA.search(question):
        return False
    return bool(_A_NEW_THING.match(question[asked.end() :]) or _ACRONYM.search(asked.group(0)))


# Names in an ask: capitalised words after its first, and acronyms ("Somerset CCG", "NHS Eastern
# and Coastal Kent"); a pronoun in the next ask most often stands for them.
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b([A-Z][A-Za-z]+|[A-Z]{2,})\b")
# Capitalised mid-sentence but no name ("..., My practice", "AND"); one letter ("I") never matches.
_NOT_NAMES = frozenset({"my", "our", "what", "which", "who", "how", "when", "where", "why", "and"})


def stands_for_before(ask: str) -> bool:
    """Whether `ask` stands for the ask before it by a pronoun ("how does *it* affect my
    pension?"), rather than asking its question of something new ("and for SAS doctors?")."""
    return bool(_ANAPHORA.search(ask)) and not _FOLLOW_UP.match(ask)


# "what about X?", "and in X?": the earlier question asked again of X.
_ASKED_OF = re.compile(r"^\W*(?:and\s+|but\s+)?(?:what about|how about|same for|(?<=and )(?:for|in|at))\b", re.I)


def new_subject(ask: str) -> str:
    """What an ask carrying on by ellipsis puts in the earlier question's place ("the McCloud
    remedy" of "what about the McCloud remedy?", "leeds" of "and in leeds?"); "" for any other
    ask ("and how late?", "is that unusual?" ask more of the same subject)."""
    opener = _ASKED_OF.match(ask)
    return ask[opener.end() :] if opener is not None and not stands_for_before(ask) else ""


def names_a_stranger(text: str, english: Container[str]) -> bool:
    """Whether `text` holds a name: a word written with a capital, or one that is no English
    word ("McCloud", "Leeds"; not "physio")."""
    return any(w[0].isupper() or w.lower() not in english for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text))


def referent(ask: str, before: str) -> str:
    """What a thin `ask` borrows from the ask before it in the same message.

    Ellipsis ("and when?", "what about SAS doctors?") keeps the earlier ask's question and
    changes its subject: the whole earlier ask is borrowed. A pronoun ("what did *they* see as
    their next big issue?") keeps the new question and stands for the earlier ask's subject:
    only its names are borrowed, so its question ("which authorisation wave") does not pull
    retrieval back to what was already answered.
    """
    if not stands_for_before(ask):
        return before
    names = [n for n in _NAME.findall(before.strip()) if n.lower() not in _NOT_NAMES]
    return " ".join(dict.fromkeys(names)) if names else before


def standalone_query(
    question: str, history: Sequence[Turn], names: Callable[[str], Collection[str]] | None = None
) -> str:
    """The retrieval query for `question` given the conversation so far.

    A follow-up borrows the previous question, and that one, if itself a follow-up, the one
    before it: after "how do I get on a CCG board?" and "is it paid?", "how much time does it
    take?" is still about the board, which "is it paid?" alone does not say.

    A follow-up naming something the earlier questions do not (`names`: the name terms of a
    text) asks the same of it instead: "and in tower hamlets?" after "how did city and hackney
    cut referrals?" keeps the question and drops the earlier questions' other names, which had
    led retrieval back to City and Hackney's figures.
    """
    return " ".join(q for q in folded_questions(question, history, names) if q)


def folded_questions(
    question: str, history: Sequence[Turn], names: Callable[[str], Collection[str]] | None = None
) -> list[str]:
    """`question`, then each earlier question `standalone_query` folds into it, latest first: the
    last is the question that set the topic."""
    # Each earlier question with the answer shown before it: "why?" after "can the hospital
    # doctor come from my own trust?" reaches the question that one carried on from.
    previous: list[tuple[str, str]] = []
    answered = ""
    for t in history:
        if t.role == "user" and t.content.strip():
            previous.append((t.content, answered))
        elif t.role == "assistant" and t.content.strip():
            answered = t.content
    folded, before = [question], answered
    while previous and carries_on(folded[-1], before) and len(folded) <= MAX_FOLDED:
        asked, before = previous.pop()
        folded.append(asked)
    if names is not None and len(folded) > 1:
        own, earlier = set(names(question)), [set(names(q)) for q in folded[1:]]
        if own - set().union(*earlier):
            folded[1:] = [_strike(q, held - own, names) for q, held in zip(folded[1:], earlier, strict=True)]
    return folded


def _strike(text: str, drop: set[str], names: Callable[[str], Collection[str]]) -> str:
    """`text` without its words that name one of `drop` (read as `names` reads them)."""
    if not drop:
        return text
    kept = (w for w in re.split(r"(\s+)", text) if not (set(names(w)) & drop))
    return re.sub(r"\s{2,}", " ", "".join(kept)).strip()


def word_list(name: str) -> list[str]:
    """The non-blank lines of the editable word list `templates/<name>.txt`, comments removed."""
    text = resources.files("assistant").joinpath(f"templates/{name}.txt").read_text(encoding="utf-8")
    return [line for line in (raw.split("#", 1)[0].strip() for raw in text.splitlines()) if line]


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(_plain(p) for p in line.split("|") if _plain(p)) for line in word_list("synonyms") if "|" in line
    )


# Acronyms left as they are. "GP" the embedding model reads as well as its spelling. "CCG" is how
# most passages about them say it, and its spelling adds "commissioning", a word of nearly every
# passage: spelt out, it drew "our ccg ... 2 hwbs" away from the interview where a CCG lead says why
# (dense ranking alone, dev MRR over the asks the spelling changes: 0.680 -> 0.686 with "CCG" spelt
# out, 0.794 -> 0.921 without).
_WELL_KNOWN = frozenset({"gp", "ccg"})
_SHORT_WORD = re.compile(r"\b[A-Za-z]{2,6}\b")


@lru_cache(maxsize=1)
def _spellings() -> dict[str, str]:
    """Each acronym of the synonym list (a group's one short word: "pct") and the first name of
    several words in its group ("primary care trust")."""
    out: dict[str, str] = {}
    for group in synonym_groups():
        names = [p for p in group if " " in p]
        for p in group:
            if names and re.fullmatch(r"[a-z]{2,6}", p) and p not in _WELL_KNOWN:
                out.setdefault(p, names[0])
    return out


def spelt_out(text: str) -> str:
    """`text` with each of the synonym list's acronyms followed by what it stands for: "Who
    replaced PCTs (primary care trusts) and SHAs (strategic health authorities)?". For the
    embedding model, which reads an acronym as letters: "Who replaced PCTs and SHAs?" was
    nearer to passages about SHAs' timeline than to "Primary care trusts and strategic health
    authorities were abolished and in their place ...". A short word in lower case ("csu") is
    one too; a longer one only capitalised ("NHSCB"), as chat writes words, not acronyms, so."""
    spell = _spellings()

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        base = low[:-1] if low.endswith("s") and low[:-1] in spell else low
        if base not in spell or not (word[0].isupper() or len(word) <= 4):
            return word
        name = spell[base]
        if base != low:
            name = f"{name[:-1]}ies" if name.endswith("y") and name[-2:-1] not in "aeiou" else f"{name}s"
        return f"{word} ({name})"

    return _SHORT_WORD.sub(one, text)


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w not in {"and", "of", "the", "for"})


@lru_cache(maxsize=1)
def _written_out() -> dict[str, tuple[str, ...]]:
    # Only the names an acronym's letters stand for: "commissioning support", in the CSU's group
    # for searching, is any passage about support, not a CSU.
    out: dict[str, list[str]] = {}
    for group in synonym_groups():
        for p in group:
            if " " not in p and len(words := terms(p)) == 1:
                out.setdefault(words[0], []).extend(q for q in group if " " in q and _initials(q) == p)
    return {t: tuple(dict.fromkeys(names)) for t, names in out.items() if names}


def writes_out(term: str, text: str) -> bool:
    """Whether `text` writes what the synonym list's acronym `term` (as `terms` gives it: "pct")
    stands for, by the name its letters are the initials of ("primary care trusts")."""
    names = _written_out().get(term, ())
    if not names:
        return False
    plain = f" {_plain(text)} "
    plurals = (f"{name[:-1]}ies" for name in names if name.endswith("y"))  # "strategic health authorities"
    return any(_mentions(plain, name) for name in (*names, *plurals))


def _plain(text: str) -> str:
    """Lower case, punctuation made spaces, as queries are read for phrases ("well-being" is
    "well being" there)."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# After a phrase, words only a verb takes: "how can commissioning support it?" asks what
# commissioning does for integrated care, not about the support units the CSU's group names.
_VERB_OBJECT = frozenset({"it", "them", "us", "me", "him", "her", "this", "these", "those", "our", "their", "your"})


def _mentions(low: str, phrase: str) -> bool:
    """Whether the padded, lower-cased `low` says `phrase`, or its plural ("ccgs", "PEs"), as a
    name: a phrase of several words not with an object after its last word, a verb there."""
    for said in (f" {phrase} ", f" {phrase}s "):
        start = low.find(said)
        while start >= 0:
            after = low[start + len(said) :].split(" ", 1)[0]
            if after not in _VERB_OBJECT or " " not in phrase:  # "was the pct our commissioner?"
                return True
            start = low.find(said, start + 1)
    return False


def groups_mentioned(query: str) -> list[tuple[str, ...]]:
    """Each synonym group `query` mentions one phrasing of ("CSU": "csu", "commissioning support
    unit", ...)."""
    low = f" {_plain(query)} "
    return [tuple(group) for group in synonym_groups() if any(_mentions(low, p) for p in group)]


def expand(query: str) -> str:
    """`query` plus the other phrasings of any synonym group it mentions."""
    low = f" {_plain(query)} "
    extra = [p for group in groups_mentioned(query) for p in group if not _mentions(low, p)]
    return query if not extra else query + " " + " ".join(extra)


@lru_cache(maxsize=1)
def _names() -> dict[str, re.Pattern[str]]:
    """The synonym list's names of several words, each with a pattern for it (and its plural) as
    it may be written: taken out of a text as written, since lower-casing it would lose what
    `terms` reads from case ("GPs" is the plural of "GP")."""
    return {
        name: re.compile(r"\b" + r"[^a-z0-9]+".join(map(re.escape, name.split())) + r"s?\b", re.I)
        for group in synonym_groups()
        for name in group
        if " " in name
    }


@lru_cache(maxsize=65536)  # the same headings and titles come back question after question
def _names_in(text: str) -> tuple[str, ...]:
    plain = f" {_plain(text)} "
    return tuple(name for name in _names() if _mentions(plain, name))


def _without_names(text: str, names: frozenset[str]) -> str:
    """`text` with those of `names` it says taken out."""
    for name in _names_in(text):
        if name in names:
            text = _names()[name].sub(" ", text)
    return text


def heading_matcher(query: str, use_synonyms: bool = True, qterms: set[str] | None = None) -> Callable[[str], set[str]]:
    """A function giving the query's terms that a heading states, in its own words or in a
    synonym's. The query side is worked out once, here, not once per candidate heading.
    `qterms`: the query's terms as the index reads them (default `terms(query)`).

    A word inside the name of something the query does not mention is not the query's word:
    "Health and wellbeing boards" heads sections about another board than "who sits on a CCG
    board?" asks about, and matched it as well as the CCG's own. The names are the synonym
    list's phrases of several words, of groups the query mentions no phrase of."""
    qterms = set(terms(query)) if qterms is None else qterms
    alternatives: list[tuple[set[str], list[set[str]]]] = []
    others: list[str] = []  # names of several words of things the query does not mention
    if use_synonyms:
        low = f" {_plain(query)} "
        for group in synonym_groups():
            present = [p for p in group if _mentions(low, p)]
            if present:
                credited = set().union(*(set(terms(p)) for p in present)) & qterms
                alternatives.append((credited, [set(terms(p)) for p in group]))
            else:
                others.extend(p for p in group if " " in p)
    names = frozenset(others)

    def matched(heading: str) -> set[str]:
        head = set(terms(_without_names(heading, names) if names else heading))
        out = qterms & head
        for credited, phrasings in alternatives:
            if any(p <= head for p in phrasings):
                out |= credited
        return out

    return matched
