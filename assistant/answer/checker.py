"""The support checker: is each sentence of a generated answer supported by a retrieved passage?

A sentence is kept only if one retrieved passage supports it:

- facts: every number (with its scale: "£65bn" is not "£65m"), ordinal, and proper name in the
  sentence occurs in the passage (or its title and section);
- polarity: a negation or a modal ("must", "should", "may") in the sentence is in the passage
  sentences it restates, and one there whose scope the sentence restates is in the sentence
  ("is not" inserted or dropped, "may" turned into "must");
- content: its terms are contained in the passage (token overlap), or the overlap is partial and
  the sentence is close in meaning to a passage sentence (embedding similarity); and every
  clause of it is contained on its own, so that an unsupported fact cannot ride along
  ("X does Y, and it also sets GP salaries").

The thresholds are fitted by cross-validation on a labelled set of (sentence, passage, supported)
pairs built from the corpus (`bench/make_checker_set.py`, `bench/tune_checker.py`) and ship as
`assistant/data/checker.json`.

`split_claims` turns a draft into sentences with their citation markers, wherever the model put
the marker (". [1] Next" belongs to the sentence before it). `check` judges each against the
passage it cites and, when that fails or it cites none, against every retrieved passage: a
supported sentence with a wrong or missing marker is re-cited, not dropped.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..retrieval.lexical import normalise_quotes, terms
from ..retrieval.sentences import split_sentences
from ..types import Chunk

# --- splitting a draft into claims --------------------------------------------------------

_MARK_BODY = r"\d{1,2}(?:\s*[,;–-]\s*\d{1,2})*"
_MARK = re.compile(rf"\[\s*({_MARK_BODY})\s*\]")
_MARK_RUN = rf"(?:\s*\[\s*{_MARK_BODY}\s*\])+"
# "website. [1] You should" and "website.[1][2]": the marker belongs before the full stop.
_MARK_AFTER_STOP = re.compile(rf"([.!?])({_MARK_RUN})(?=\s|$)")
# "website [1] You should": a marker with no full stop, followed by a new sentence.
_MARK_AS_STOP = re.compile(rf"(?<=[\w)%])({_MARK_RUN})\s+(?=[A-Z][a-z])")
_DECLINE = re.compile(r"\bNOT\s+IN\s+(?:THE\s+)?CORPUS\b", re.IGNORECASE)
_LEAD = re.compile(r"^\s*(?:answer\s*:|[-*•]\s+|\d{1,2}[.)]\s+)", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One sentence of a draft, without its markers, and the passage numbers it cites."""

    text: str
    cites: tuple[int, ...]


def _numbers(marker_body: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", marker_body):
        lo, _, hi = re.sub(r"\s*[–-]\s*", "-", part).partition("-")
        if hi and lo.isdigit() and hi.isdigit() and int(lo) <= int(hi) <= int(lo) + 5:
            out.extend(range(int(lo), int(hi) + 1))
        elif lo.isdigit():
            out.append(int(lo))
    return out


def split_claims(draft: str) -> list[Claim]:
    """The draft's sentences, each with the passage numbers its markers cite."""
    text = normalise_quotes(draft).replace("**", "").replace("__", "")
    text = _MARK_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    text = _MARK_AS_STOP.sub(lambda m: f"{m.group(1)}. ", text)
    claims: list[Claim] = []
    for s, e in split_sentences(text):
        raw = text[s:e]
        cites = tuple(dict.fromkeys(n for m in _MARK.finditer(raw) for n in _numbers(m.group(1))))
        body = _LEAD.sub("", _MARK.sub("", raw))
        body = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(body.split())).strip()
        if terms(body):
            claims.append(Claim(body, cites))
    return claims


def declined(draft: str) -> bool:
    """The model said the passages do not answer the question (the prompt's NOT IN CORPUS)."""
    return bool(_DECLINE.search(draft))


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
_ORDINALS = {
    w: str(i)
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
    """Normalised numbers in `text`: "£65bn" → {"65 billion"}, "26%" → {"26%"}, "twelve" → {"12"}."""
    text = normalise_quotes(text)
    out: set[str] = set()
    for m in _QUANTITY.finditer(_ORDINAL_DIGITS.sub(r"\1", text)):
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


@dataclass(frozen=True)
class Thresholds:
    """Fitted by bench/tune_checker.py. A sentence passes the content test when every clause has
    containment >= clause, and containment >= accept, or containment >= floor with similarity
    >= similarity."""

    accept: float = 0.8
    similarity: float = 0.75
    floor: float = 0.4
    clause: float = 0.5
    fitted: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str) -> Thresholds:
        try:
            values = {k: float(data[k]) for k in ("accept", "similarity", "floor", "clause")}
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: not a checker thresholds file ({exc})") from exc
        return cls(**values, fitted=dict(data.get("fitted", {})))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def packaged_thresholds() -> Thresholds:
    data = json.loads(resources.files("assistant").joinpath("data/checker.json").read_text(encoding="utf-8"))
    return Thresholds.from_json(data, "assistant/data/checker.json")


def load_thresholds(path: str) -> Thresholds:
    """The packaged thresholds, or a refit file (ASSISTANT_CHECKER_THRESHOLDS)."""
    if not path:
        return packaged_thresholds()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"ASSISTANT_CHECKER_THRESHOLDS: cannot read {path} ({exc})") from exc
    return Thresholds.from_json(data, path)


@dataclass
class Judgement:
    """Why a sentence is or is not supported by one passage."""

    supported: bool
    containment: float
    clause_min: float
    similarity: float
    problems: list[str]

    @property
    def score(self) -> float:
        return self.containment + self.similarity


@dataclass(frozen=True)
class Features:
    """What the decision is made from; computed once, judged under any thresholds (tuning)."""

    containment: float
    clause_min: float
    similarity: float
    problems: tuple[str, ...]

    def judge(self, t: Thresholds) -> Judgement:
        content = self.clause_min >= t.clause and (
            self.containment >= t.accept or (self.containment >= t.floor and self.similarity >= t.similarity)
        )
        problems = list(self.problems)
        if not content:
            problems.append(
                f"content not contained (overlap {self.containment:.2f}, weakest clause {self.clause_min:.2f}, "
                f"similarity {self.similarity:.2f})"
            )
        return Judgement(not problems, self.containment, self.clause_min, self.similarity, problems)


Embed = Callable[[Sequence[str]], np.ndarray]


def passage_context(chunk: Chunk) -> str:
    """Where facts may come from besides the text: the section path and the publisher ("the BMA
    says ..."). Not the title: a title's words are not facts of this passage."""
    return f"{chunk.publisher}\n{chunk.section}"


class SupportChecker:
    """Judges sentences against passages. `embed` (the retrieval model) gives the similarity
    feature; without it only token overlap counts. `sentence_vectors` may return a passage's
    sentences and their (already computed) vectors, to avoid embedding them again."""

    def __init__(
        self,
        thresholds: Thresholds | None = None,
        embed: Embed | None = None,
        known_names: frozenset[str] = frozenset(),
        sentence_vectors: Callable[[Chunk], tuple[list[str], np.ndarray] | None] | None = None,
    ) -> None:
        self.thresholds = thresholds or packaged_thresholds()
        self._embed = embed
        self.known_names = known_names
        self._sentence_vectors = sentence_vectors

    # -- features --------------------------------------------------------------------------

    def _passage_sentences(self, chunk: Chunk) -> tuple[list[str], np.ndarray | None]:
        if self._sentence_vectors is not None:
            got = self._sentence_vectors(chunk)
            if got is not None and got[0]:
                return got[0], got[1]
        texts = [chunk.text[s:e] for s, e in split_sentences(chunk.text)] or [chunk.text]
        return texts, None

    def features_many(self, sentences: Sequence[str], chunks: Sequence[Chunk]) -> list[list[Features]]:
        """Features of every (sentence, passage) pair, embedding each text once.

        The similarity of a sentence to a passage is that of its least similar clause to the
        passage's closest sentence: a clause from elsewhere lowers it, however close the rest."""
        per_chunk = [self._passage_sentences(c) for c in chunks]
        parts = [clauses(s) for s in sentences]
        sims = np.zeros((len(sentences), len(chunks)), dtype=np.float32)
        if self._embed is not None and sentences:
            clause_texts = [text for p in parts for text, _ in p]
            missing = [i for i, (_, v) in enumerate(per_chunk) if v is None]
            to_embed = clause_texts + [t for i in missing for t in per_chunk[i][0]]
            vectors = np.asarray(self._embed(to_embed), dtype=np.float32)
            cvec, rest = vectors[: len(clause_texts)], vectors[len(clause_texts) :]
            at = 0
            matrices: dict[int, np.ndarray] = {}
            for i in missing:
                n = len(per_chunk[i][0])
                matrices[i] = rest[at : at + n]
                at += n
            for j, (_, v) in enumerate(per_chunk):
                matrix = matrices[j] if v is None else np.asarray(v, dtype=np.float32)
                if not len(matrix):
                    continue
                best = (cvec @ matrix.T).max(axis=1)
                at = 0
                for i, p in enumerate(parts):
                    sims[i, j] = best[at : at + len(p)].min()
                    at += len(p)
        out: list[list[Features]] = []
        for i, sentence in enumerate(sentences):
            s_terms = terms(sentence)
            out.append(
                [
                    self._features(sentence, s_terms, parts[i], chunk, per_chunk[j][0], float(sims[i, j]))
                    for j, chunk in enumerate(chunks)
                ]
            )
        return out

    def _features(
        self,
        sentence: str,
        s_terms: list[str],
        parts: list[tuple[str, list[str]]],
        chunk: Chunk,
        passage_sentences: list[str],
        similarity: float,
    ) -> Features:
        p_terms = set(terms(chunk.text)) | set(terms(chunk.section))
        cont = containment(s_terms, p_terms)
        clause_min = min((containment(t, p_terms) for _, t in parts), default=cont)
        context = chunk.text + "\n" + passage_context(chunk)
        problems = [f"number {q} not in the passage" for q in missing_quantities(sentence, context)]
        problems += [f"name {n!r} not in the passage" for n in missing_names(sentence, context, self.known_names)]
        problems += polarity_problems(sentence, aligned_sentences(sentence, passage_sentences))
        return Features(round(cont, 4), round(clause_min, 4), round(similarity, 4), tuple(problems))

    def judge(self, sentence: str, chunk: Chunk) -> Judgement:
        return self.features_many([sentence], [chunk])[0][0].judge(self.thresholds)

    # -- a whole draft -----------------------------------------------------------------------

    def check(self, draft: str, passages: Sequence[Chunk], max_sentences: int) -> CheckResult:
        if declined(draft):
            return CheckResult([], [], 0, declined=True)
        claims = split_claims(draft)
        trimmed = max(0, len(claims) - max_sentences)
        claims = claims[:max_sentences]
        if not claims:
            return CheckResult([], [], 0, declined=False)
        feats = self.features_many([c.text for c in claims], passages)
        verdicts: list[CheckedSentence] = []
        for claim, row in zip(claims, feats, strict=True):
            judged = [f.judge(self.thresholds) for f in row]
            cited = [n for n in claim.cites if 1 <= n <= len(passages)]
            ok = [n for n in cited if judged[n - 1].supported]
            if ok:
                verdicts.append(CheckedSentence(claim.text, ok, True, False, claim.cites, judged[ok[0] - 1]))
                continue
            if len(cited) > 1:
                # A sentence drawing on two cited passages: judged against both together.
                joint = self._joint(claim.text, [passages[n - 1] for n in cited])
                if joint.supported:
                    verdicts.append(CheckedSentence(claim.text, cited, True, False, claim.cites, joint))
                    continue
            best = max(
                (n for n in range(1, len(passages) + 1) if judged[n - 1].supported),
                key=lambda n: judged[n - 1].score,
                default=None,
            )
            if best is not None:
                verdicts.append(CheckedSentence(claim.text, [best], True, True, claim.cites, judged[best - 1]))
                continue
            shown = cited[0] if cited else max(range(1, len(passages) + 1), key=lambda n: judged[n - 1].score)
            verdicts.append(CheckedSentence(claim.text, [], False, False, claim.cites, judged[shown - 1]))
        return CheckResult(verdicts, [c.text for c in claims], trimmed, declined=False)

    def _joint(self, sentence: str, chunks: Sequence[Chunk]) -> Judgement:
        joined = Chunk(
            chunk_id="+".join(c.chunk_id for c in chunks),
            doc_id=chunks[0].doc_id,
            file=chunks[0].file,
            title=" ".join(dict.fromkeys(c.title for c in chunks)),
            publisher=" ".join(dict.fromkeys(c.publisher for c in chunks)),
            published=chunks[0].published,
            section=" ".join(c.section for c in chunks),
            page=None,
            start=0,
            end=0,
            text="\n".join(c.text for c in chunks),
        )
        return self.judge(sentence, joined)


# Words that make a sentence lean on the one before it: kept after that one was removed, it
# reads as nonsense ("This means ..." with no "this").
_DEPENDENT_OPENERS = re.compile(
    r"^(?:this|these|that|those|it|its|they|their|them|he|she|his|her|such|both|however|but|also|so|"
    r"therefore|thus|hence|moreover|furthermore|in addition|as a result|additionally|similarly|"
    r"otherwise|instead|then)\b",
    re.I,
)


@dataclass
class CheckedSentence:
    text: str
    cites: list[int]  # 1-based passages that support it (after any repair)
    supported: bool
    repaired: bool  # supported, but not by the passage its marker named (or it had none)
    marked: tuple[int, ...]  # what the model cited
    judgement: Judgement


@dataclass
class CheckResult:
    sentences: list[CheckedSentence]
    claims: list[str]
    trimmed: int  # sentences past the budget, not judged
    declined: bool

    @property
    def kept(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if s.supported]

    @property
    def removed(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if not s.supported]

    @property
    def repaired(self) -> int:
        return sum(s.repaired for s in self.kept)

    def verdict(self) -> tuple[str, str]:
        """("", "") when the checked answer may be shown; else (fallback reason, detail).

        The answer falls back whole when the model declined; when nothing is supported; when its
        main claim (the first sentence: the prompt asks for the answer first) is not; and when
        pruning leaves an incoherent remnant (more removed than kept, or a kept sentence that
        leans on a removed one)."""
        if self.declined:
            return "declined", "the model said the passages do not answer the question"
        if not self.sentences:
            return "unsupported", "the model returned no answer text"
        if not self.kept:
            return "unsupported", f"none of its {len(self.sentences)} sentence(s) is supported: " + "; ".join(
                self.sentences[0].judgement.problems
            )
        first = self.sentences[0]
        if not first.supported:
            return "unsupported", "its main claim is not supported: " + "; ".join(first.judgement.problems)
        if len(self.removed) > len(self.kept):
            return "incoherent", f"{len(self.removed)} of {len(self.sentences)} sentences were unsupported"
        for before, after in zip(self.sentences, self.sentences[1:], strict=False):
            if not before.supported and after.supported and _DEPENDENT_OPENERS.match(after.text):
                return "incoherent", f"a kept sentence depends on a removed one: {after.text[:60]!r}"
        return "", ""
