"""Incremental, atomic ingestion of the corpus folder into the store.

Every write is invisible until committed, so a kill at any point leaves the previous index (or
the new one) answering, and the next run repairs what the kill left:

- The registry (`assistant/registry.py`) records, per document, its hash and its chunk and
  sentence counts; its row is the commit point. Chunk ids include the document hash, so a new
  version is written beside the old one; stale rows are deleted only after the commit.
- Per document: embed → write chunks and sentences (in batches the client accepts) → commit →
  delete the previous version's rows. A killed run keeps every document committed before the
  kill and re-embeds none of them.
- `--rebuild` (and the first ingest, or one over a pre-registry index) writes a new generation
  of collections beside the active one, then swaps the registry's pointer (one write) and only
  then drops the old generation. A killed rebuild is resumed by the next `--rebuild`; a plain
  ingest discards it.
- Each run first verifies the target generation against the registry: rows of no committed
  document are deleted, and a document whose chunk or sentence counts disagree with its record
  is re-ingested ("repaired"), whatever its hash says.

Stages reported to `Progress` (stage, done, total): verify, read, embed passages, embed
sentences, write, swap (rebuilds only), clean, lexical.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from assistant.errors import EmbedderMismatchError, IngestError, IngestLockedError
from assistant.retrieval.embeddings import Embedder
from assistant.retrieval.index import refresh_lexical, search_text, sentence_rows
from assistant.settings import Settings
from assistant.storage.registry import DocRecord, Pointer, Registry
from assistant.storage.store import Store
from assistant.types import Chunk

from .bounded import Limits, load_and_chunk
from .manifest import DocMeta, derived_meta, discover, load_manifest

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # (stage, done, total)
# Bump when loading, chunking or sentence splitting changes: stored chunks are then rebuilt.
PIPELINE_VERSION = "10"


@dataclass
class DocResult:
    file: str
    doc_id: str
    status: str  # added | updated | repaired | unchanged | removed | failed
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    results: list[DocResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0
    chunks_embedded: int = 0
    total_chunks: int = 0

    @property
    def ok(self) -> bool:
        return not any(r.status == "failed" for r in self.results)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def table(self) -> str:
        lines = [f"{'document':<48} {'status':<10} {'chunks':>6}"]
        for r in self.results:
            lines.append(f"{r.file[:48]:<48} {r.status:<10} {r.chunks:>6}" + (f"  {r.reason}" if r.reason else ""))
        lines.append(
            "added {a} · updated {u} · repaired {p} · unchanged {n} · removed {r} · failed {f} · "
            "{c} chunks in index · {e} embedded · {s:.1f} s".format(
                a=self.count("added"),
                u=self.count("updated"),
                p=self.count("repaired"),
                n=self.count("unchanged"),
                r=self.count("removed"),
                f=self.count("failed"),
                c=self.total_chunks,
                e=self.chunks_embedded,
                s=self.seconds,
            )
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "results": [asdict(r) for r in self.results],
            "warnings": self.warnings,
            "seconds": round(self.seconds, 2),
            "total_chunks": self.total_chunks,
        }


def document_hash(path: Path, meta: DocMeta) -> str:
    h = hashlib.sha256(PIPELINE_VERSION.encode() + b"\0" + path.read_bytes())
    # Metadata is part of the hash: a corrected date or notice must reach the stored chunks.
    h.update(json.dumps(asdict(meta), sort_keys=True).encode())
    return h.hexdigest()[:32]


@contextlib.contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "ingest.lock"
    with open(path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IngestLockedError(
                f"another ingest is running on {data_dir} (lock {path}); wait for it to finish"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def versioned_id(chunk_id: str, doc_hash: str) -> str:
    """A chunk's stored id: a new version of a document never overwrites the committed one."""
    return hashlib.sha256(f"{doc_hash}\0{chunk_id}".encode()).hexdigest()[:24]


def new_generation() -> str:
    return time.strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:6]


@dataclass
class _Planned:
    meta: DocMeta
    doc_hash: str
    chunks: list[Chunk]
    status: str
    reason: str = ""


class Ingestor:
    # Documents are embedded in groups of about this many chunks (full embedding batches) and
    # committed one by one.
    GROUP_CHUNKS = 256

    def __init__(
        self, settings: Settings, embedder: Embedder, progress: Progress | None = None, store: Store | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store or Store(settings, embedder)
        self.progress = progress or (lambda stage, done, total: None)
        self.limits = Limits.from_settings(settings)

    def run(self, rebuild: bool = False, corpus_dir: Path | None = None) -> IngestReport:
        started = time.perf_counter()
        corpus = corpus_dir or self.settings.corpus_dir
        report = IngestReport()
        with ingest_lock(self.settings.data_dir):
            manifest = load_manifest(corpus, corpus / "manifest.toml")
            files = discover(corpus)
            self.progress("verify", 0, 1)
            registry = self.store.registry(create=True)
            assert registry is not None
            pointer = registry.pointer()
            target = self._target(registry, pointer, rebuild)
            swapping = target != pointer.active
            committed, broken = self._verify(registry, target)
            self.progress("verify", 1, 1)

            planned: list[_Planned] = []
            present: set[str] = set()
            for n, path in enumerate(files, start=1):
                self.progress("read", n - 1, len(files))
                meta = manifest.documents.get(path.name)
                item = self._plan_one(path, meta, committed, broken, swapping, present, report)
                if item is not None and item.chunks:
                    planned.append(item)
            self.progress("read", len(files), len(files))
            removed = [d for d in committed if d not in present]

            self._write(registry, target, planned, [committed[d] for d in removed], report)
            if planned or removed or swapping:
                self.store.mark_ingested(target)
            if swapping:
                self.progress("swap", 0, 1)
                registry.set_pointer(Pointer(active=target))  # the commit point of a rebuild
                self.progress("swap", 1, 1)
            self._clean(registry, target)

            self.progress("lexical", 0, 1)
            self.store.view(refresh=True)
            all_chunks = self.store.all_chunks()
            if all_chunks:
                refresh_lexical(self.store, self.settings, all_chunks)
            report.total_chunks = len(all_chunks)
            self.progress("lexical", 1, 1)
        report.results.sort(key=lambda r: r.file)
        report.seconds = time.perf_counter() - started
        return report

    # --- steps ----------------------------------------------------------------------

    def _target(self, registry: Registry, pointer: Pointer, rebuild: bool) -> str:
        """The generation to write into: the active one, or a rebuild's (resumed if one was
        interrupted and built with this model)."""
        if pointer.active and not rebuild and self.store.has_generation(pointer.active):
            return pointer.active
        pending = pointer.pending
        if pending:
            try:
                pending = pending if self.store.has_generation(pending) else ""
            except EmbedderMismatchError:
                pending = ""
        target = pending or new_generation()
        if target != pointer.pending:
            registry.set_pointer(Pointer(pointer.active, target))
        return target

    def _verify(self, registry: Registry, target: str) -> tuple[dict[str, DocRecord], dict[str, str]]:
        """Committed documents of `target`, and those whose rows disagree with their record
        (doc_id → reason). Rows of no committed document (left by a kill) are deleted."""
        committed = registry.records(target)
        # A missing collection is created empty: its documents then count as broken.
        self.store.create_generation(target)
        found = self.store.scan(target)
        for doc_id in {d for d, h in found if d not in committed or committed[d].doc_hash != h}:
            rec = committed.get(doc_id)
            self.store.delete_rows(target, doc_id, keep_hash=rec.doc_hash if rec else None)
        broken: dict[str, str] = {}
        for doc_id, rec in committed.items():
            chunks, sentences = found.get((doc_id, rec.doc_hash), [0, 0])
            if (chunks, sentences) != (rec.chunks, rec.sentences):
                broken[doc_id] = (
                    f"store had {chunks}/{rec.chunks} chunks and {sentences}/{rec.sentences} sentences; re-ingested"
                )
        return committed, broken

    def _plan_one(
        self,
        path: Path,
        meta: DocMeta | None,
        committed: dict[str, DocRecord],
        broken: dict[str, str],
        swapping: bool,
        present: set[str],
        report: IngestReport,
    ) -> _Planned | None:
        """What to do with one file: None (a clash), chunks to write, or no chunks (kept)."""
        if meta is None:
            meta = derived_meta(path)
            report.warnings.append(f"{path.name}: not in the manifest; ingested with metadata taken from the file")
        if meta.doc_id in present:
            report.results.append(
                DocResult(path.name, meta.doc_id, "failed", 0, f"document id {meta.doc_id!r} is used by another file")
            )
            return None
        present.add(meta.doc_id)
        doc_hash = document_hash(path, meta)
        rec = committed.get(meta.doc_id)
        if rec is not None and rec.doc_hash == doc_hash and meta.doc_id not in broken:
            status, reason = ("added", "kept from the interrupted rebuild") if swapping else ("unchanged", "")
            report.results.append(DocResult(path.name, meta.doc_id, status, rec.chunks, reason))
            return _Planned(meta, doc_hash, [], status)
        try:
            chunks = load_and_chunk(path, meta, doc_hash, self.limits)
        except IngestError as exc:
            log.warning("%s", exc)
            kept = rec.chunks if rec else 0
            reason = str(exc).split(": ", 1)[-1] + (f" (kept the {kept} chunks already indexed)" if kept else "")
            report.results.append(DocResult(path.name, meta.doc_id, "failed", kept, reason))
            return _Planned(meta, doc_hash, [], "failed")
        chunks = [replace(c, chunk_id=versioned_id(c.chunk_id, doc_hash)) for c in chunks]
        if rec is None or swapping:
            return _Planned(meta, doc_hash, chunks, "added")
        if rec.doc_hash == doc_hash:
            return _Planned(meta, doc_hash, chunks, "repaired", broken[meta.doc_id])
        return _Planned(meta, doc_hash, chunks, "updated")

    def _write(
        self,
        registry: Registry,
        target: str,
        planned: list[_Planned],
        removed: list[DocRecord],
        report: IngestReport,
    ) -> None:
        """Embed, write and commit each planned document; then forget the removed ones."""
        rows = [sentence_rows(p.chunks) for p in planned]
        totals = {
            "embed passages": sum(len(p.chunks) for p in planned),
            "embed sentences": sum(len(r[0]) for r in rows),
            "write": len(planned) + len(removed),
        }
        done = dict.fromkeys(totals, 0)
        for stage, total in totals.items():
            self.progress(stage, 0, total)
        group: list[int] = []
        for i in range(len(planned)):
            group.append(i)
            if i < len(planned) - 1 and sum(len(planned[j].chunks) for j in group) < self.GROUP_CHUNKS:
                continue
            t0 = time.perf_counter()
            texts = [search_text(c) for j in group for c in planned[j].chunks]
            vecs = self._embed(texts, "embed passages", done, totals)
            svecs = self._embed([t for j in group for t in rows[j][3]], "embed sentences", done, totals)
            report.embed_seconds += time.perf_counter() - t0
            at = sat = 0
            for j in group:
                q, r = planned[j], rows[j]
                n, m = len(q.chunks), len(r[0])
                self.store.write(target, q.chunks, vecs[at : at + n], r, svecs[sat : sat + m])
                registry.commit(target, DocRecord(q.meta.doc_id, q.doc_hash, q.meta.file, n, m))  # commit point
                self.store.delete_rows(target, q.meta.doc_id, keep_hash=q.doc_hash)
                report.results.append(DocResult(q.meta.file, q.meta.doc_id, q.status, n, q.reason))
                report.chunks_embedded += n
                at, sat = at + n, sat + m
                done["write"] += 1
                self.progress("write", done["write"], totals["write"])
            group = []
        for rec in removed:
            registry.forget(target, rec.doc_id)  # commit point of a removal
            self.store.delete_rows(target, rec.doc_id)
            report.results.append(DocResult(rec.file, rec.doc_id, "removed", 0))
            done["write"] += 1
            self.progress("write", done["write"], totals["write"])

    def _clean(self, registry: Registry, target: str) -> None:
        """Drop every generation but `target` (now active): the one a rebuild replaced, one a
        killed rebuild left (a plain ingest discards it), a pre-registry index."""
        self.progress("clean", 0, 1)
        pointer = registry.pointer()
        if pointer.pending:
            registry.set_pointer(Pointer(pointer.active))
        for gen in (self.store.generations() | registry.generations()) - {target}:
            registry.drop(gen)
            self.store.drop_generation(gen)
        self.progress("clean", 1, 1)

    def _embed(self, texts: list[str], stage: str, done: dict[str, int], totals: dict[str, int]) -> np.ndarray:
        batch = max(1, self.settings.embed_batch_size)
        parts = []
        for i in range(0, len(texts), batch):
            self.progress(stage, done[stage] + i, totals[stage])
            parts.append(self.embedder.embed(texts[i : i + batch]))
        done[stage] += len(texts)
        self.progress(stage, done[stage], totals[stage])
        if not parts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack(parts)
