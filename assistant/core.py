"""`Assistant`: the one API every interface uses."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .compose import Composition, citation, compose
from .currency import notices_for
from .embeddings import Embedder
from .errors import AssistantError, GeneratorError
from .generate import Generator, check, support
from .index import LoadedIndex
from .messages import render
from .retrieve import Candidate, Filters, Retriever
from .rewrite import standalone_query
from .settings import Settings
from .store import Store
from .types import Answer, Turn
from .wiring import build_embedder, build_generator

MAX_QUESTION_CHARS = 2000
ANSWER_PASSAGES = 3


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    file: str
    title: str
    publisher: str
    published: str
    approximate: bool
    notice: str
    chunks: int


def _turns(history: Iterable[Any]) -> list[Turn]:
    out = []
    for t in history:
        if isinstance(t, Turn):
            out.append(t)
        elif isinstance(t, Mapping) and "role" in t and "content" in t:
            out.append(Turn(str(t["role"]), str(t["content"])))
        else:
            raise AssistantError(f"history items must be {{'role', 'content'}} mappings, not {t!r}")
    return out


class Assistant:
    """Answers questions from the indexed corpus. Models load once, on first use."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or build_embedder(self.settings)
        self.generator = generator if generator is not None else build_generator(self.settings)
        self.store = Store(self.settings, self.embedder)
        self._index: LoadedIndex | None = None
        self._lock = threading.Lock()

    # --- lifecycle ------------------------------------------------------------------

    @property
    def index(self) -> LoadedIndex:
        with self._lock:
            if self._index is None:
                self._index = LoadedIndex.load(self.store, self.settings)
            return self._index

    def warm(self) -> None:
        """Load the index and the embedding model now rather than on the first question."""
        _ = self.index
        self.embedder.embed(["warm up"])

    def reload(self) -> None:
        """Drop the loaded index (after an ingest) so the next question sees the new one."""
        with self._lock:
            self._index = None

    def documents(self) -> list[DocumentInfo]:
        counts: dict[str, DocumentInfo] = {}
        for c in self.index.chunks:
            d = counts.get(c.doc_id)
            counts[c.doc_id] = DocumentInfo(
                c.doc_id,
                c.file,
                c.title,
                c.publisher,
                c.published,
                c.approximate,
                c.notice,
                (d.chunks if d else 0) + 1,
            )
        return sorted(counts.values(), key=lambda d: d.title.lower())

    @property
    def last_ingested(self) -> str:
        return str(self.index.info.get("last_ingested", "unknown"))

    # --- asking ---------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: Sequence[Any] = (),
        filters: Filters | None = None,
        *,
        k: int | None = None,
        retriever: str | None = None,
        passages: int | None = None,
    ) -> Answer:
        """Answer `question` from the corpus.

        `history`: earlier turns ({"role", "content"} or `Turn`), oldest first. `filters`: only
        these documents or publishers. `k`: retrieved passages reported. `retriever`: hybrid,
        dense or bm25 (default from settings). `passages`: how many top passages the answer may
        draw on (default 3).
        """
        t_start = time.perf_counter()
        question = " ".join((question or "").split())
        if not question:
            raise AssistantError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise AssistantError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
        turns = _turns(history)
        timings: dict[str, float] = {}
        index = self.index
        query = standalone_query(question, turns)
        t = time.perf_counter()
        if query == question:
            qvec = svec = self.embedder.embed([query])[0]
        else:
            both = self.embedder.embed([query, question])
            qvec = both[0]
            blend = both[0] + both[1]
            svec = blend / (np.linalg.norm(blend) or 1.0)
        timings["embed"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        cands = Retriever(self.settings, self.store, index).candidates(query, qvec, filters, retriever, svec)
        timings["retrieve"] = (time.perf_counter() - t) * 1000
        hits = Retriever.to_hits(cands, k or self.settings.top_k)

        n_passages = max(1, min(passages or ANSWER_PASSAGES, 5))
        evidence = self.evidence(question, cands)
        t = time.perf_counter()
        if evidence < self.settings.refusal_threshold or not cands:
            answer = self._refusal(question, cands, hits)
        else:
            answer = self._answer(question, query, cands, hits, n_passages)
        timings["compose"] = (time.perf_counter() - t) * 1000
        timings["total"] = (time.perf_counter() - t_start) * 1000
        answer.timings = timings
        return answer

    def evidence(self, question: str, cands: Sequence[Candidate]) -> float:
        """How well the best passages answer `question`: the best sentence match plus how much
        of the question's informative vocabulary they contain. Compared with
        `refusal_threshold`, calibrated on the development set."""
        if not cands:
            return 0.0
        top = cands[:ANSWER_PASSAGES]
        best_sentence = max(c.sentence for c in top)
        return best_sentence + 0.3 * self.index.coverage(question, [c.chunk for c in top])

    def _refusal(self, question: str, cands: list[Candidate], hits: list[Any]) -> Answer:
        nearest: list[str] = []
        for c in cands:
            label = f"{c.chunk.title} — {c.chunk.section}"
            if label not in nearest:
                nearest.append(label)
            if len(nearest) == 3:
                break
        text = render("refusal")
        if nearest:
            text += " " + render("refusal_nearest", nearest="; ".join(nearest))
        return Answer(question, text, [], True, hits, [], {}, nearest)

    def _answer(self, question: str, query: str, cands: list[Candidate], hits: list[Any], n_passages: int) -> Answer:
        extractive = compose(
            query, cands, self.index.sentences, self.settings.max_answer_sentences, n_passages, self.index.idf
        )
        result, mode, notes = extractive, "extractive", list[str]()
        if self.generator is not None:
            result, mode, notes = self._generated(question, cands[:n_passages], extractive)
        doc_notices = {c.doc_id: c.notice for c in (x.chunk for x in cands) if c.notice}
        notices = notes + notices_for(result.citations, doc_notices, self.settings.stale_after_years)
        return Answer(question, result.text, result.citations, False, hits, notices, {}, [], mode)

    def _generated(
        self, question: str, cands: list[Candidate], fallback: Composition
    ) -> tuple[Composition, str, list[str]]:
        assert self.generator is not None
        passages = [c.chunk for c in cands]
        try:
            draft = self.generator.generate(question, passages)
        except GeneratorError:
            return fallback, "extractive", [render("generated_fallback")]
        checked = check(draft, passages, self.settings.support_threshold)
        if checked.refused or not checked.kept or len(checked.kept) < checked.removed:
            return fallback, "extractive", [render("generated_fallback")]
        numbers: dict[int, int] = {}
        parts = []
        quotes: dict[int, list[str]] = {}
        for s in checked.kept:
            ns = []
            for p in s.cites:
                n = numbers.setdefault(p, len(numbers) + 1)
                ns.append(n)
                quotes.setdefault(p, []).append(self._closest_sentence(s.text, cands[p - 1]))
            parts.append(s.text.rstrip() + " " + "".join(f"[{n}]" for n in ns))
        citations = [
            citation(n, passages[p - 1], " … ".join(dict.fromkeys(quotes[p])))
            for p, n in sorted(numbers.items(), key=lambda kv: kv[1])
        ]
        notes = [render("generated_pruned", removed=checked.removed)] if checked.removed else []
        return Composition(" ".join(parts), citations), "generated", notes

    def _closest_sentence(self, text: str, cand: Candidate) -> str:
        sentences = self.index.sentences.get(cand.chunk.chunk_id, ([], None))[0]
        if not sentences:
            return cand.chunk.text[:200]
        return max(sentences, key=lambda s: support(text, s))
