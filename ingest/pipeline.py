"""Incremental, atomic ingestion of the corpus folder into the store.

Every write is invisible until committed, so a kill at any point leaves the previous index (or
the new one) answering, and the next run repairs what the kill left:

- The registry (`assistant/storage/registry.py`) records, per document, its hash and its chunk and
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

Throughput and scale:

- Documents are parsed in parallel by worker processes (`bounded.py`) on a background thread
  while the main thread embeds and writes what has arrived, in groups of about
  `GROUP_CHUNKS` chunks; nothing holds the whole corpus in memory.
- Embedding goes through the query embedder (ONNX by default), a group's texts in one call so
  batches are ordered by length, with repeats removed and a content-hash cache
  (`embedding.py`): identical text is embedded once, across documents and across runs.
- Each document's sentence vectors and chunk records are also written to local files (the
  read path's, `assistant/retrieval/docfiles.py`) before its commit; the "lexical" stage builds
  the read pack (BM25 and the chunk records) from those files without reading Chroma.
- Verification compares row counts with the registry first and scans every row only when
  they disagree, so a run with nothing to do stays quick on a large store.

Stages reported to `Progress` (stage, done, total): verify, read (documents), embed passages
and embed sentences (documents, as their groups are embedded), write (documents), swap
(rebuilds only), clean, lexical.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.errors import EmbedderMismatchError, IngestError, StoreError
from assistant.retrieval.docfiles import DocFiles, search_text
from assistant.retrieval.qa_embedder import QAEmbedder
from assistant.retrieval.refresh import refresh_pack, sentence_rows
from assistant.settings import Settings
from assistant.storage.generations import Generations
from assistant.storage.registry import DocRecord, Pointer, Registry
from assistant.storage.store import Store
from assistant.types import Chunk, Embedder, spoken
from assistant.wiring import build_qa_embedder

from .bounded import Job, Limits, load_and_chunk_ahead
from .embedding import CachedEmbedding, EmbedCache, embedder_key
from .lock import ingest_lock
from .manifest import DocMeta, derived_meta, discover, load_manifest, unlisted, unreadable
from .qa_sentences import embed_qa_sentences
from .report import DocResult, IngestReport
from .versions import document_hash, new_generation, versioned_id

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class _Planned:
    meta: DocMeta
    doc_hash: str
    chunks: list[Chunk]
    status: str
    reason: str = ""
    path: Path | None = None
    kept: int = 0  # chunks of the committed version (what stays if this version fails)


class Ingestor:
    # Documents are embedded in groups of about this many chunks (full embedding batches) and
    # committed one by one.
    GROUP_CHUNKS = 256
    # Parsed documents waiting for the embedder (bounds memory when parsing runs ahead).
    QUEUE_DOCS = 32

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        progress: Progress | None = None,
        store: Store | None = None,
        parse_workers: int | None = None,
        cache: bool = True,
        qa_embedder: QAEmbedder | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        # The answerability model's second opinion (assistant/retrieval/qa_embedder.py): its
        # vectors of every committed sentence go into the content-hash cache.
        self.qa = qa_embedder or build_qa_embedder(settings)
        self.store = store or Store(settings, embedder)
        self.generations = Generations(self.store)
        self.progress = progress or (lambda stage, done, total: None)
        self.limits = Limits.from_settings(settings)
        self.parse_workers = parse_workers or max(1, min(4, os.cpu_count() or 1))
        self.use_cache = cache
        self.files = DocFiles.of(settings.data_dir, embedder.model_id)

    def run(self, rebuild: bool = False, corpus_dir: Path | None = None) -> IngestReport:
        started = time.perf_counter()
        corpus = corpus_dir or self.settings.corpus_dir
        report = IngestReport()
        with ingest_lock(self.settings.data_dir):
            manifest = load_manifest(corpus, corpus / "manifest.toml")
            files = discover(corpus)
            report.warnings.extend(unreadable(corpus))
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
            for path in files:
                item = self._plan_one(
                    path, manifest.documents.get(path.name), committed, broken, swapping, present, report
                )
                if item is not None and item.status != "unchanged" and item.path is not None:
                    planned.append(item)
            removed = [d for d in committed if d not in present]

            cache = None
            if self.use_cache and planned:
                cache = EmbedCache(self.settings.embed_cache_path, embedder_key(self.embedder))
            embedding = CachedEmbedding(self.embedder, cache)
            try:
                # A rebuild keeps what the index it replaces holds of a document that now fails.
                previous = registry.records(pointer.active) if swapping and pointer.active else {}
                self._write(
                    registry,
                    target,
                    planned,
                    len(files),
                    [committed[d] for d in removed],
                    report,
                    embedding,
                    (pointer.active, previous),
                )
            finally:
                report.embed_stats = embedding.stats
                if cache is not None:
                    cache.close()
            if planned or removed or swapping:
                self.generations.mark_ingested(target)
            if swapping:
                self.progress("swap", 0, 1)
                registry.set_pointer(Pointer(active=target))  # the commit point of a rebuild
                self.progress("swap", 1, 1)
            self._clean(registry, target)

            self.progress("lexical", 0, 1)
            view = self.store.view(refresh=True)
            pack = refresh_pack(self.store, self.settings, view)
            report.total_chunks = len(pack)
            if planned or removed or swapping:
                # Last, once the read pack is ready: running processes reload on this.
                registry.touch()
            self.progress("lexical", 1, 1)
            # After the read pack, which writes the document files a host lacks: the QA stage
            # reads each document's sentences there.
            if self.qa is not None and self.use_cache:
                report.qa_sentences = embed_qa_sentences(
                    self.settings, self.qa, self.files, registry.records(target).values(), self.progress
                )
        report.results.sort(key=lambda r: r.file)
        report.seconds = time.perf_counter() - started
        return report

    # --- steps ----------------------------------------------------------------------

    def _target(self, registry: Registry, pointer: Pointer, rebuild: bool) -> str:
        """The generation to write into: the active one, or a rebuild's (resumed if one was
        interrupted and built with this model)."""
        if pointer.active and not rebuild and self.generations.exists(pointer.active):
            return pointer.active
        pending = pointer.pending
        if pending:
            try:
                pending = pending if self.generations.exists(pending) else ""
            except EmbedderMismatchError:
                pending = ""
        target = pending or new_generation()
        if target != pointer.pending:
            registry.set_pointer(Pointer(pointer.active, target))
        return target

    def _verify(self, registry: Registry, target: str) -> tuple[dict[str, DocRecord], dict[str, str]]:
        """Committed documents of `target`, and those whose rows disagree with their record
        (doc_id → reason). Rows of no committed document (left by a kill) are deleted.

        When the generation holds exactly as many chunk and sentence rows as the registry
        records, nothing was left by a kill and nothing is missing, and the row-by-row scan
        (every row's metadata: minutes on a large store) is skipped.
        """
        committed = registry.records(target)
        # A missing collection is created empty: its documents then count as broken.
        self.generations.create(target)
        expected = (sum(r.chunks for r in committed.values()), sum(r.sentences for r in committed.values()))
        if self.generations.counts(target) == expected:
            return committed, {}
        found = self.generations.scan(target)
        for doc_id in {d for d, h in found if d not in committed or committed[d].doc_hash != h}:
            rec = committed.get(doc_id)
            self.generations.delete_rows(target, doc_id, keep_hash=rec.doc_hash if rec else None)
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
        """What to do with one file, before parsing it: None (a clash), unchanged (kept), or
        added / updated / repaired (with `path` set: to be parsed)."""
        if meta is None:
            meta = derived_meta(path)
            report.warnings.append(unlisted(path))
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
            return _Planned(meta, doc_hash, [], "unchanged")
        kept = rec.chunks if rec else 0
        if rec is None or swapping:
            return _Planned(meta, doc_hash, [], "added", path=path, kept=kept)
        if rec.doc_hash == doc_hash:
            return _Planned(meta, doc_hash, [], "repaired", broken[meta.doc_id], path=path, kept=kept)
        return _Planned(meta, doc_hash, [], "updated", path=path, kept=kept)

    def _parsed(self, planned: list[_Planned]) -> Iterator[tuple[_Planned, IngestError | None]]:
        """Each planned document with its chunks (or the IngestError), in completion order;
        parsed by worker processes on a background thread so embedding proceeds meanwhile."""
        jobs: list[Job] = [(p.path, p.meta, p.doc_hash) for p in planned if p.path is not None]
        for i, result in load_and_chunk_ahead(jobs, self.limits, self.parse_workers, self.QUEUE_DOCS):
            p = planned[i]
            if isinstance(result, IngestError):
                yield p, result
                continue
            p.chunks = [replace(c, chunk_id=versioned_id(c.chunk_id, p.doc_hash)) for c in result]
            yield p, None

    def _write(
        self,
        registry: Registry,
        target: str,
        planned: list[_Planned],
        n_files: int,
        removed: list[DocRecord],
        report: IngestReport,
        embedding: CachedEmbedding,
        previous: tuple[str, dict[str, DocRecord]] = ("", {}),
    ) -> None:
        """Parse, embed, write and commit each planned document; then forget the removed ones.

        `previous`: in a rebuild, the generation being replaced and its records; a document that
        fails now is carried over from it as it was, so a rebuild never loses what was indexed."""
        totals = {
            "read": n_files,
            "embed passages": len(planned),
            "embed sentences": len(planned),
            "write": len(planned) + len(removed),
        }
        done = dict.fromkeys(totals, 0)
        done["read"] = n_files - len(planned)

        def step(stage: str, n: int = 1) -> None:
            done[stage] += n
            self.progress(stage, done[stage], totals[stage])

        self.progress("read", done["read"], n_files)
        group: list[_Planned] = []

        def flush() -> None:
            if not group:
                return
            self.progress("embed passages", done["embed passages"], totals["embed passages"])
            t0 = time.perf_counter()
            texts = [search_text(c) for p in group for c in p.chunks]
            vecs = embedding.embed(texts)
            step("embed passages", len(group))
            rows = [sentence_rows(p.chunks) for p in group]
            # A sentence that opens an interview turn is embedded without its speaker's label
            # (kept in its text): every label says "chair" and "CCG", and "SF (...): No." then
            # matched "who sits on a CCG?" better than the sentences that answer it.
            svecs = embedding.embed([spoken(t) for r in rows for t in r[3]])
            step("embed sentences", len(group))
            report.embed_seconds += time.perf_counter() - t0
            at = sat = 0
            for p, r in zip(group, rows, strict=True):
                n, m = len(p.chunks), len(r[0])
                sv = svecs[sat : sat + m]
                self.generations.write(target, p.chunks, vecs[at : at + n], r, sv)
                svecs_doc = sv.reshape(m, -1) if m else sv.reshape(0, vecs.shape[1])
                self.files.write(p.doc_hash, p.chunks, svecs_doc, chunk_vectors=vecs[at : at + n])
                registry.commit(target, DocRecord(p.meta.doc_id, p.doc_hash, p.meta.file, n, m))  # commit point
                self.generations.delete_rows(target, p.meta.doc_id, keep_hash=p.doc_hash)
                report.results.append(DocResult(p.meta.file, p.meta.doc_id, p.status, n, p.reason))
                report.chunks_embedded += n
                at, sat = at + n, sat + m
                p.chunks = []  # done with them: memory stays bounded by the group
                step("write")
            group.clear()

        if planned:
            for stage in ("embed passages", "embed sentences", "write"):
                self.progress(stage, 0, totals[stage])
            for p, error in self._parsed(planned):
                step("read")
                if error is not None:
                    log.warning("%s", error)
                    if not p.kept and p.meta.doc_id in previous[1]:
                        p.kept = self._carry_over(registry, previous[0], target, previous[1][p.meta.doc_id])
                    reason = str(error).split(": ", 1)[-1] + (
                        f" (kept the {p.kept} chunks already indexed)" if p.kept else ""
                    )
                    report.results.append(DocResult(p.meta.file, p.meta.doc_id, "failed", p.kept, reason))
                    for stage in ("embed passages", "embed sentences", "write"):
                        step(stage)
                    continue
                group.append(p)
                if sum(len(q.chunks) for q in group) >= self.GROUP_CHUNKS:
                    flush()
            flush()
        for rec in removed:
            registry.forget(target, rec.doc_id)  # commit point of a removal
            self.generations.delete_rows(target, rec.doc_id)
            report.results.append(DocResult(rec.file, rec.doc_id, "removed", 0))
            step("write")

    def _carry_over(self, registry: Registry, source: str, target: str, rec: DocRecord) -> int:
        """Copy one committed document's rows, vectors included, from `source` into `target` and
        commit it there; its chunk count, or 0 where it cannot be (another model's index)."""
        try:
            copied = self.generations.copy_document(source, target, rec.doc_hash)
        except StoreError as exc:  # EmbedderMismatchError among them: those vectors do not fit
            log.warning("%s: not carried over from the previous index (%s)", rec.file, exc)
            return 0
        if copied != (rec.chunks, rec.sentences):
            log.warning("%s: the previous index held %s rows, not %s; not carried over", rec.file, copied, rec)
            self.generations.delete_rows(target, rec.doc_id)
            return 0
        registry.commit(target, rec)  # commit point, as for a parsed document
        return rec.chunks

    def _clean(self, registry: Registry, target: str) -> None:
        """Drop every generation but `target` (now active): the one a rebuild replaced, one a
        killed rebuild left (a plain ingest discards it), a pre-registry index; and the local
        document files of versions no longer committed (after a grace period, for processes
        still answering from an older snapshot)."""
        self.progress("clean", 0, 1)
        pointer = registry.pointer()
        if pointer.pending:
            registry.set_pointer(Pointer(pointer.active))
        for gen in (self.generations.all() | registry.generations()) - {target}:
            registry.drop(gen)
            self.generations.drop(gen)
        self.files.collect({r.doc_hash for r in registry.records(target).values()})
        self.progress("clean", 1, 1)
