"""Plain data types shared by ingestion, retrieval, composition and the interfaces."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

# Between the sentences of a citation's quote (`Citation.quote`): the answer's sentences from one
# passage, in the passage's order.
QUOTE_SEP = " … "

# Between the headings of a section path ("How? › 1. Positions on ..."), as ingest writes it and
# retrieval reads it.
SECTION_SEP = " › "

# An interview turn as ingest writes it (ingest/structure.py): the speaker's initials, who they
# are, then their words: "BT (Dr Bill Tamkin, shadow chair South Manchester CCG): It will be ...".
SPEAKER_TURN = re.compile(r"^([A-Z]{2,3}) \(([^()\n]{2,200})\): ")


def turn_label(tag: str, who: str) -> str:
    return f"{tag} ({who}): "


def spoken(sentence: str) -> str:
    """A sentence without the speaker's label that opens a turn: what was said, not who said it."""
    m = SPEAKER_TURN.match(sentence)
    return sentence[m.end() :] if m else sentence


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage, as stored in the index."""

    chunk_id: str
    doc_id: str
    file: str
    title: str
    publisher: str
    published: str
    section: str
    page: int | None
    start: int
    end: int
    text: str
    position: int = 0
    doc_hash: str = ""
    notice: str = ""
    approximate: bool = False
    # Whom the document was written for (the manifest's `audience`): an answer to a writer it
    # was not written for says so (answer/audience.py).
    audience: str = ""
    # The manifest's `shorthand` for the document, as JSON ({"OOH": "out-of-hours"}), or "".
    shorthand: str = ""
    # (offset in `text`, page number) of each page that begins inside the passage: a sentence
    # after a page break is cited with its own page, not the one the passage starts on.
    page_breaks: tuple[tuple[int, int], ...] = ()
    # (offset in `text`, title) of the run-in titles of short pieces ("Will it widen the rift?",
    # set in bold at the body's size) in force over the passage: the one before it, at 0, and
    # each inside it. They name the piece a citation quotes; retrieval reads only `section`.
    titles: tuple[tuple[int, str], ...] = ()

    def metadata(self) -> dict[str, Any]:
        meta = asdict(self)
        meta.pop("text")
        meta.pop("chunk_id")
        # Chroma metadata values cannot be None, nor lists of lists.
        meta["page"] = -1 if self.page is None else self.page
        meta["page_breaks"] = ";".join(f"{at}:{page}" for at, page in self.page_breaks)
        meta["titles"] = json.dumps(self.titles, ensure_ascii=False) if self.titles else ""
        return meta

    def _offset(self, quote: str) -> int:
        """Where the quote starts in the passage; a quote not found there (an older answer's)
        is read as starting where the passage does, as its page and heading always were."""
        first = quote.split(QUOTE_SEP, 1)[0].strip().strip('“”"')
        return max(self.text.find(first[:80]), 0) if first else 0

    def page_of(self, quote: str) -> int | None:
        """The page the quote (or its first part, up to " … ") starts on."""
        at, page = self._offset(quote), self.page
        for offset, number in self.page_breaks:
            if at >= offset:
                page = number
        return page

    def section_of(self, quote: str) -> str:
        """The section, with the run-in title of the piece the quote starts in, if any."""
        at, title = self._offset(quote), ""
        for offset, name in self.titles:
            if at >= offset:
                title = name
        return f"{self.section}{SECTION_SEP}{title}" if title and self.section else title or self.section

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
        page = meta.get("page", -1)
        return cls(
            chunk_id=chunk_id,
            doc_id=str(meta["doc_id"]),
            file=str(meta.get("file", "")),
            title=str(meta.get("title", "")),
            publisher=str(meta.get("publisher", "")),
            published=str(meta.get("published", "")),
            section=str(meta.get("section", "")),
            page=None if page is None or int(page) < 0 else int(page),
            start=int(meta.get("start", 0)),
            end=int(meta.get("end", 0)),
            text=text,
            position=int(meta.get("position", 0)),
            doc_hash=str(meta.get("doc_hash", "")),
            notice=str(meta.get("notice", "")),
            approximate=bool(meta.get("approximate", False)),
            audience=str(meta.get("audience", "")),
            shorthand=str(meta.get("shorthand", "")),
            page_breaks=tuple(
                (int(at), int(page))
                for at, _, page in (b.partition(":") for b in str(meta.get("page_breaks", "")).split(";") if b)
            ),
            titles=tuple((int(at), str(name)) for at, name in json.loads(str(meta.get("titles") or "[]"))),
        )


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its rank and final score."""

    rank: int
    chunk: Chunk
    score: float
    dense: float = 0.0
    lexical: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "doc_id": self.chunk.doc_id,
            "file": self.chunk.file,
            "section": self.chunk.section,
            "page": self.chunk.page,
            "text": self.chunk.text,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: the passage and the sentences the answer used."""

    n: int
    doc_id: str
    file: str
    title: str
    publisher: str
    published: str
    section: str
    page: int | None
    text: str
    quote: str
    # The source's date was inferred ("c. 2012"); shown with the date, not part of --json.
    approximate: bool = False

    @property
    def sentences(self) -> list[str]:
        """The quoted sentences, one by one."""
        return [q for q in self.quote.split(QUOTE_SEP) if q]

    def to_json(self) -> dict[str, Any]:
        """The `assistant ask --json` shape."""
        record = self.to_record()
        record.pop("approximate")
        return record

    def to_record(self) -> dict[str, Any]:
        """Every field, for storing and rebuilding the citation."""
        return asdict(self)


@dataclass(frozen=True)
class Turn:
    role: str
    content: str


# What the assistant did with a question: answered it; found guidance that touches it but may
# not answer it (a partial answer, said plainly); or found nothing relevant (a refusal). A message
# that asks nothing ("thanks!", "hi") gets a short reply and is not searched: "no_question".
OUTCOMES = ("answer", "partial", "refuse", "no_question")


@dataclass
class Answer:
    """What `Assistant.ask` returns; every interface renders this and nothing else."""

    question: str
    text: str
    citations: list[Citation]
    refused: bool
    retrieved: list[Hit]
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    nearest: list[str] = field(default_factory=list)
    mode: str = "extractive"
    outcome: str = ""
    # Per ask of the question: the outcome, the answerability probability and its signals.
    answerability: list[dict[str, Any]] = field(default_factory=list)
    # The language model a generated answer came from; and, when a generator is configured but
    # the quoted answer is shown, why (assistant.generation.generate.REASONS).
    model: str = ""
    fallback_reason: str = ""
    # The plain line a view shows apart from the answer: a refusal's statement (without the
    # nearest sections, which are in `nearest`), or a partial answer's "the guidance touches on
    # this" line. `text` starts with it. Empty for an answer and for a multi-part reply (each of
    # its parts carries its own line under its ask).
    lead: str = ""

    def __post_init__(self) -> None:
        if not self.outcome:
            self.outcome = "refuse" if self.refused else "answer"
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {self.outcome!r}")
        # `refused` is true only for a refusal; a partial answer cites its passages.
        self.refused = self.outcome == "refuse"
        if self.lead and not self.text.startswith(self.lead):
            raise ValueError("an answer's lead must be the start of its text")

    @property
    def partial(self) -> bool:
        return self.outcome == "partial"

    @property
    def body(self) -> str:
        """The text after its lead line: what a view shows below the lead."""
        return self.text[len(self.lead) :].lstrip()

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "refused": self.refused,
            "outcome": self.outcome,
            "mode": self.mode,
            "model": self.model,
            "fallback_reason": self.fallback_reason,
            "notices": list(self.notices),
            "citations": [c.to_json() for c in self.citations],
            "retrieved": [h.to_json() for h in self.retrieved],
            "timings_ms": {k: round(v, 2) for k, v in self.timings.items()},
            "answerability": self.answerability,
            "lead": self.lead,
            "nearest": list(self.nearest),
        }


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (rows). The protocol the embedding backends
    (`retrieval/embeddings.py`, `retrieval/onnx_embedder.py`) implement and the store, ingest and
    retrieval take; here, below them all, so the store need not import retrieval for it."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document, as `Assistant.documents()` lists it (from the read pack's summary)."""

    doc_id: str
    file: str
    title: str
    publisher: str
    published: str
    approximate: bool
    notice: str
    chunks: int
