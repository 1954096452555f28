"""`Assistant`: the one API every interface uses."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .answer.parts import Part
from .answer.respond import reply
from .errors import AssistantError, QuestionError
from .gate.asks import split_asks
from .gate.direct import before_search
from .gate.model import AnswerabilityModel
from .gate.plan import Plan
from .gate.restate import Restate
from .generation.generate import CheckerCache, Generator
from .question import MAX_QUESTION_CHARS, clean_question, turns_of
from .retrieval.index import LoadedIndex
from .retrieval.qa_embedder import QAEmbedder
from .retrieval.qa_vectors import QASentenceVectors
from .retrieval.retrieve import Filters, RerankWeights
from .retrieval.rewrite import (
    stands_for_before,
)
from .retrieval.spelling import english_words
from .search import Search
from .settings import Settings
from .storage.store import Store
from .types import Answer, DocumentInfo, Embedder, Turn
from .wiring import build_embedder, build_generator, build_qa_embedder, load_answerability

log = logging.getLogger(__name__)

ANSWER_PASSAGES = 3


class Assistant:
    """Answers questions from the indexed corpus. Models load once, on first use."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        answerability: AnswerabilityModel | None = None,
        qa_embedder: QAEmbedder | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or build_embedder(self.settings)
        qa = qa_embedder or build_qa_embedder(self.settings)
        self.qa_vectors = QASentenceVectors(qa, self.settings.embed_cache_path) if qa else None
        self.generator = generator if generator is not None else build_generator(self.settings)
        self.store = Store(self.settings, self.embedder)
        self.answerability = answerability or load_answerability(self.settings)
        self._checkers = CheckerCache(self.settings, self.embedder)
        self._index: LoadedIndex | None = None
        self._lock = threading.Lock()
        self._reloading = threading.Lock()
        self._checked = 0.0  # monotonic time of the last look for another process's ingest

    # --- lifecycle ------------------------------------------------------------------

    @property
    def index(self) -> LoadedIndex:
        with self._lock:
            if self._index is None:
                self._index = LoadedIndex.load(self.store, self.settings)
                self._checked = time.monotonic()
            return self._index

    def warm(self) -> None:
        """Load the index, the embedding models and the word list now rather than on the first
        question, side by side: the index's loads wait on the disk, the models' on the CPU. At
        1,000× the corpus with its files out of the page cache: 2.8 s one after another, 2.6 s
        side by side (Chroma's own reads do not overlap one another)."""
        jobs: list[Callable[[], object]] = [
            self._warm_index,
            lambda: self.embedder.embed(["warm up"]),
            english_words,
        ]
        if self.qa_vectors is not None:
            qa = self.qa_vectors.qa
            jobs.append(lambda: qa.embed_queries(["warm up"]))
        with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="warm") as pool:
            for done in [pool.submit(job) for job in jobs]:
                done.result()  # the first failure is raised, as it would be one after another

    def _warm_index(self) -> None:
        _ = self.index
        self.store.warm()

    def reload(self) -> None:
        """Drop the loaded index (after an ingest) so the next question sees the new one."""
        with self._lock:
            self._index = None

    def refresh(self) -> bool:
        """Reload if another process ingested since the index was loaded (at most once per
        ASSISTANT_RELOAD_CHECK_S; one registry row is read). True when it reloaded."""
        every = self.settings.reload_check_s
        loaded = self._index
        if loaded is None or every < 0 or time.monotonic() - self._checked < every:
            return False
        self._checked = time.monotonic()
        try:
            stamp = self.store.stamp()
        except AssistantError as exc:  # the store is unreachable: answer from what is loaded
            log.warning("could not look for a newer index (%s); answering from the loaded one", exc)
            return False
        if stamp == loaded.stamp:
            return False
        # One thread loads the new snapshot while the others keep answering from the old one;
        # it is swapped in only once complete, so a failed load leaves answering as it was.
        if not self._reloading.acquire(blocking=False):
            return False
        try:
            log.info("the index changed in another process; reloading")
            fresh = LoadedIndex.load(self.store, self.settings)
        except AssistantError as exc:
            log.warning("could not load the newer index (%s); answering from the loaded one", exc)
            return False
        finally:
            self._reloading.release()
        with self._lock:
            if self._index is loaded:
                self._index = fresh
        return True

    def documents(self) -> list[DocumentInfo]:
        self.refresh()
        # One summary per document from the read pack: no chunk is read.
        docs = [
            DocumentInfo(
                d["doc_id"],
                d["file"],
                d["title"],
                d["publisher"],
                d["published"],
                d["approximate"],
                d["notice"],
                d["chunks"],
            )
            for d in self.index.documents()
        ]
        return sorted(docs, key=lambda d: d.title.lower())

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
        question = clean_question(question)
        if not question:
            raise QuestionError("the question is empty")
        if filters is not None:
            self._check_filters(filters)
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
        search = before_search(question, turns_of(history))
        if isinstance(search, Answer):
            return search
        answer = self._answer(search.asked, search.turns, filters, k, retriever, passages, search.restate)
        answer.question = question
        return answer

    def _check_filters(self, filters: Filters) -> None:
        """A filter naming no indexed document or publisher is a mistake to report, not a question
        the guidance "does not answer" (a misspelt `--doc` id read as the corpus being silent)."""
        docs = self.documents()
        ids = sorted(d.doc_id for d in docs)
        publishers = sorted({d.publisher for d in docs if d.publisher}, key=str.lower)
        known = {p.lower() for p in publishers}
        for doc_id in filters.doc_ids:
            if doc_id not in ids:
                raise QuestionError(f"filter doc: no document with id {doc_id!r} (the ids are: {', '.join(ids)})")
        for publisher in filters.publishers:
            if publisher.lower() not in known:
                raise QuestionError(
                    f"filter publisher: no document published by {publisher!r} (the publishers are: "
                    f"{', '.join(publishers)})"
                )

    def _answer(
        self,
        question: str,
        turns: Sequence[Turn],
        filters: Filters | None,
        k: int | None,
        retriever: str | None,
        passages: int | None,
        restate: Restate | None,
    ) -> Answer:
        t_start = time.perf_counter()
        self.refresh()
        timings: dict[str, float] = {}
        k_hits = k or self.settings.top_k
        t = time.perf_counter()
        parts = self.retrieve(question, turns, filters, retriever, k_hits)
        # (Not one standing by a pronoun for a body after the documents or a nation outside them,
        # refused for that: "who sits on them?" after "what do integrated care boards do?".)
        pointing = any((p.after is not None or p.outside is not None) and stands_for_before(p.own) for p in parts)
        if (
            turns
            and all(p.outcome == "refuse" for p in parts)
            and any(p.judged != p.ask for p in parts)
            and not pointing
        ):
            # The words a follow-up borrowed from the conversation can sink it: "and what about
            # CSUs?" after a refused "what is the capital of France?" was refused for France. The
            # message on its own is tried before refusing it.
            alone = self.retrieve(question, (), filters, retriever, k_hits)
            if any(p.outcome != "refuse" for p in alone):
                parts = alone
        timings["retrieve"] = (time.perf_counter() - t) * 1000

        n_passages = max(1, min(passages or ANSWER_PASSAGES, 5))
        t = time.perf_counter()
        answer = reply(
            question,
            parts,
            index=self.index,
            settings=self.settings,
            generator=self.generator,
            checkers=self._checkers,
            n_passages=n_passages,
            k=k_hits,
            restate=restate,
        )
        timings["compose"] = (time.perf_counter() - t) * 1000
        timings["total"] = (time.perf_counter() - t_start) * 1000
        answer.timings = timings
        return answer

    def plan(self, question: str, turns: Sequence[Turn] = ()) -> list[Plan]:
        """(ask, judged, query, subject) per ask of `question`: the ask as written; what it is
        judged on (earlier turns folded in for a follow-up, the ask before it for "...and when
        did they start?"); what it is retrieved with (plus the writer's situation: "If I join
        the board, can I keep my pension?"); and what the answer's sentences are chosen for."""
        return self._search().plan(split_asks(question), turns)

    def retrieve(
        self,
        question: str,
        turns: Sequence[Turn] = (),
        filters: Filters | None = None,
        retriever: str | None = None,
        k: int = 10,
        weights: RerankWeights | None = None,
    ) -> list[Part]:
        """Each ask of `question` retrieved, reranked and judged (the answer is not composed)."""
        return self._search(weights).parts(question, turns, filters, retriever, k)

    def _search(self, weights: RerankWeights | None = None) -> Search:
        return Search(
            self.settings, self.store, self.embedder, self.index, self.answerability, self.qa_vectors, weights
        )
