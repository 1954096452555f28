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

The fact, polarity and clause tests are in `facts.py`; `claims.py` turns a draft into sentences
with their citation markers (`split_claims`). `check` judges each against the
passage it cites and, when that fails or it cites none, against every retrieved passage: a
supported sentence with a wrong or missing marker is re-cited, not dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..retrieval.lexical import terms
from ..retrieval.sentences import split_sentences
from ..types import Chunk
from .claims import declined, split_claims
from .facts import (
    aligned_sentences,
    clauses,
    containment,
    missing_names,
    missing_quantities,
    polarity_problems,
)


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
