"""What a sentence must share with the passage it cites, judged without a model: its facts
(numbers with their scale, ordinals, proper names), its polarity (negation and modality, in the
passage sentences it restates) and its content clause by clause. `checker.py` combines these
with embedding similarity under fitted thresholds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..retrieval.lexical import normalise_quotes, terms
from ..retrieval.sentences import split_sentences

# --- facts: numbers, ordinals, proper names ------------------------------------------------

_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        [
            "zero",
            "_",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
    if w != "_"
}  # "one" is left out: far more often a pronoun ("one of the ...") than a count
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70"})
_NUMBER_WORDS.update({"eighty": "80", "ninety": "90", "hundred": "100", "dozen": "12"})
_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})


def _ordinal(n: int) -> str:
    """An ordinal's normal form, "4th": a place in a sequence, never the count "4" ("fourth
    wave" does not support "four CCGs")."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


_ORDINALS = {
    w: _ordinal(i)
    for i, w in enumerate(
        [
            "_",
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        ]
    )
    if w != "_"
}
_SCALES = {
    "bn": "billion",
    "billion": "billion",
    "b": "billion",
    "m": "million",
    "million": "million",
    "mn": "million",
    "k": "thousand",
    "thousand": "thousand",
}
_QUANTITY = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)*)(?:\s*-\s*(\d+(?:[.,]\d+)*))?\s*(%|per\s*cent\b|bn\b|billion\b|b\b|m\b|mn\b|"
    r"million\b|k\b|thousand\b)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'&-]*")
_ORDINAL_DIGITS = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")


def _norm_number(raw: str) -> str:
    n = raw.replace(",", "")
    return n[:-2] if n.endswith(".0") else n


def quantities(text: str) -> set[str]:
    """Normalised numbers in `text`: "£65bn" → {"65 billion"}, "26%" → {"26%"}, "twelve" → {"12"},
    "fourth" and "4th" → {"4th"}."""
    text = normalise_quotes(text)
    out = {_ordinal(int(m.group(1))) for m in _ORDINAL_DIGITS.finditer(text)}
    for m in _QUANTITY.finditer(_ORDINAL_DIGITS.sub(" ", text)):
        unit = (m.group(3) or "").lower().replace(" ", "")
        suffix = "%" if unit in {"%", "percent"} else (" " + _SCALES[unit] if unit in _SCALES else "")
        for g in (m.group(1), m.group(2)):
            if g:
                out.add(_norm_number(g) + suffix)
    for w in _WORD.findall(text):
        parts = w.lower().split("-")
        if len(parts) == 2 and parts[0] in _TENS and parts[1] in _NUMBER_WORDS and len(_NUMBER_WORDS[parts[1]]) == 1:
            out.add(str(int(_NUMBER_WORDS[parts[0]]) + int(_NUMBER_WORDS[parts[1]])))  # "twenty-three"
            continue
        for part in parts:
            if part in _NUMBER_WORDS:
                out.add(_NUMBER_WORDS[part])
            elif part in _ORDINALS:
                out.add(_ORDINALS[part])
    return out


def _bare(q: str) -> str:
    return q.split(" ")[0].rstrip("%")


def missing_quantities(sentence: str, passage: str) -> list[str]:
    """Numbers of the sentence that the passage lacks. A number with a scale or a percent sign
    must match it ("£65bn" is not "£65m"); a bare number may match a scaled one ("65")."""
    have = quantities(passage)
    bare = {_bare(q) for q in have}
    missing = []
    for q in sorted(quantities(sentence)):
        if q in have or (q == _bare(q) and q in bare):
            continue
        missing.append(q)
    return missing


# Capitalised but never names: "I", and the answer words a model starts with ("Yes, an associate
# specialist can ...").
_NOT_NAMES = frozenset({"i", "i'm", "i've", "i'd", "i'll", "ok", "okay", "yes", "no"})


def _norm_name(word: str) -> str:
    w = re.sub(r"'s$|'$", "", word)
    if len(w) > 2 and w[:-1].isupper() and w.endswith("s"):
        w = w[:-1]  # "CCGs" → "CCG"
    return w.lower()


def names(text: str, known: frozenset[str] = frozenset()) -> set[str]:
    """Proper names (lower-cased): capitalised words not starting a sentence, acronyms anywhere,
    and a sentence's first word when it is a known name of the corpus (`known`)."""
    out: set[str] = set()
    text = normalise_quotes(text)
    for s, e in split_sentences(text):
        words = _WORD.findall(text[s:e])
        for i, w in enumerate(words):
            if not w[0].isupper():
                continue
            norm = _norm_name(w)
            if norm in _NOT_NAMES or len(norm) < 2:
                continue
            acronym = sum(ch.isupper() for ch in w) >= 2
            if acronym or i > 0 or norm in known:
                out.add(norm)
    return out


def _word_forms(text: str) -> set[str]:
    return {_norm_name(w) for w in _WORD.findall(normalise_quotes(text))}


def missing_names(sentence: str, passage: str, known: frozenset[str] = frozenset()) -> list[str]:
    have = _word_forms(passage)
    return sorted(n for n in names(sentence, known) if n not in have)


def corpus_names(texts: Sequence[str]) -> frozenset[str]:
    """Words the corpus writes only capitalised, and at least once not starting a sentence: a
    sentence starting with one ("Monitor's main duty ...") names it."""
    capitalised: Counter[str] = Counter()
    lower: set[str] = set()
    for text in texts:
        text = normalise_quotes(text)
        for s, e in split_sentences(text):
            for i, w in enumerate(_WORD.findall(text[s:e])):
                if w[0].isupper():
                    if i > 0:
                        capitalised[_norm_name(w)] += 1
                else:
                    lower.add(_norm_name(w))
    return frozenset(n for n in capitalised if n not in lower and n not in _NOT_NAMES)


# --- polarity: negation and modality --------------------------------------------------------

_CONTRACTIONS = [
    (re.compile(r"\bcan't\b|\bcannot\b", re.I), "can not"),
    (re.compile(r"\bwon't\b", re.I), "will not"),
    (re.compile(r"\bshan't\b", re.I), "shall not"),
    (re.compile(r"n't\b", re.I), " not"),
]
NEGATION = "negation"
CUES: dict[str, tuple[str, ...]] = {
    NEGATION: ("not", "no", "never", "none", "nor", "neither", "without", "nobody", "nothing", "unable", "cease"),
    "obligation": (
        "must",
        "required",
        "require",
        "requires",
        "have to",
        "has to",
        "had to",
        "need to",
        "needs to",
        "needed to",
        "shall",
        "obliged",
        "mandatory",
        "compulsory",
        "duty",
    ),
    "advice": ("should", "ought", "recommend", "recommends", "recommended", "advise", "advised", "urge", "urges"),
    "possibility": (
        "may",
        "might",
        "could",
        "can",
        "possibly",
        "possible",
        "perhaps",
        "potentially",
        "likely",
        "unlikely",
        "probably",
        "able",
        "unable",
        "ability",
        "allow",
        "allows",
        "allowing",
        "allowed",
        "enable",
        "enables",
    ),
}
_CUE_RE = {
    cls: re.compile(r"\b(" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues) + r")\b", re.I)
    for cls, cues in CUES.items()
}
SCOPE_TERMS = 3


def _expand(text: str) -> str:
    text = normalise_quotes(text)
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    # "May 2010" is a month, not a modal.
    return re.sub(r"(?<=[a-z,] )May\b", "MONTH", text)


@dataclass(frozen=True)
class Cue:
    """A negation or modal cue with the content terms just before and after it."""

    cls: str
    before: frozenset[str]
    after: frozenset[str]

    @property
    def window(self) -> frozenset[str]:
        return self.before | self.after


def cues(text: str) -> list[Cue]:
    text = _expand(text)
    out: list[Cue] = []
    for cls, pattern in _CUE_RE.items():
        for m in pattern.finditer(text):
            after = terms(text[m.end() : m.end() + 120])[:SCOPE_TERMS]
            before = terms(text[max(0, m.start() - 80) : m.start()])[-2:]
            out.append(Cue(cls, frozenset(before), frozenset(after)))
    return out


def polarity_problems(sentence: str, aligned: Sequence[str]) -> list[str]:
    """Negation and modality of `sentence` against the passage sentences it restates.

    - Each cue of the sentence must have one of its class in the passage about the same words
      (their windows share a term), and the sentence may not have more cues of a class than the
      passage ("there is not so much waste ... are not informed" against one "not").
    - A cue of the passage whose scope the sentence restates (two of the next three terms) must
      have one of its class in the sentence ("may be" restated as "is").
    """
    mine = cues(sentence)
    theirs = [c for a in aligned for c in cues(a)]
    my_terms = set(terms(sentence))
    problems = []
    for cls in CUES:
        m = [c for c in mine if c.cls == cls]
        t = [c for c in theirs if c.cls == cls]
        if not m:
            continue
        if not t:
            problems.append(f"{cls} not in the passage")
        elif len(m) > len(t):
            problems.append(f"more {cls} than the passage ({len(m)} against {len(t)})")
        elif any(c.window and not any(c.window & x.window for x in t) for c in m):
            problems.append(f"{cls} about other words than the passage's")
    my_classes = {c.cls for c in mine}
    for c in theirs:
        shared = c.after & my_terms
        if c.cls not in my_classes and len(shared) >= min(2, len(c.after)) and shared:
            problems.append(f"the passage's {c.cls} ({' '.join(sorted(shared))}) is missing")
    return sorted(set(problems))


# --- content: token containment, clauses, similarity ---------------------------------------

# Clause boundaries: a semicolon or colon, a conjunction after a comma, "and also", and the
# contrastive conjunctions. A bare "and" is not one ("health and wellbeing boards", lists).
_CLAUSE = re.compile(
    r";|:\s|,\s+(?:and|but|while|whereas|although|though|which|so|as well as|plus)\s+|"
    r"\s+(?:and also|while|whereas|although|but also)\s+",
    re.I,
)
MIN_CLAUSE_TERMS = 3
ALIGNED_SHARE = 0.7


def containment(sentence_terms: Sequence[str], passage_terms: set[str]) -> float:
    if not sentence_terms:
        return 0.0
    return sum(t in passage_terms for t in sentence_terms) / len(sentence_terms)


def clauses(sentence: str) -> list[tuple[str, list[str]]]:
    """The sentence's clauses as (text, terms); a clause of fewer than MIN_CLAUSE_TERMS terms
    joins the one before it ("X, Y and Z" is one clause)."""
    out: list[tuple[str, list[str]]] = []
    for piece in _CLAUSE.split(sentence):
        t = terms(piece or "")
        if not t:
            continue
        if out and (len(t) < MIN_CLAUSE_TERMS or len(out[-1][1]) < MIN_CLAUSE_TERMS):
            out[-1] = (f"{out[-1][0]} {piece.strip()}", out[-1][1] + t)
        else:
            out.append((piece.strip(), t))
    return out or [(sentence, terms(sentence))]


def aligned_sentences(sentence: str, passage_sentences: Sequence[str]) -> list[str]:
    """The passage sentences the sentence restates: those sharing most of its terms (at least
    ALIGNED_SHARE as many as the best one, and at least two)."""
    mine = set(terms(sentence))
    scored = [(len(mine & set(terms(p))), p) for p in passage_sentences]
    best = max((s for s, _ in scored), default=0)
    if best == 0:
        return []
    return [p for s, p in scored if s >= max(2, ALIGNED_SHARE * best) or s == best]
