"""Incremental, safe ingestion of the corpus folder into the store.

Order of work keeps the previous index answering whatever fails: every document is loaded,
chunked and embedded first; only then are new chunks written, and old ones deleted after
their replacements are in. Unchanged documents (same bytes, same manifest entry) are skipped.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.embeddings import Embedder
from assistant.errors import IngestError, IngestLockedError
from assistant.index import refresh_lexical, search_text, sentence_rows
from assistant.settings import Settings
from assistant.store import Store
from assistant.types import Chunk

from .chunk import chunk_document
from .loaders import load
from .manifest import DocMeta, derived_meta, discover, load_manifest

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # (stage, done, total)
# Bump when loading, chunking or sentence splitting changes: stored chunks are then rebuilt.
PIPELINE_VERSION = "9"


@dataclass
class DocResult:
    file: str
    doc_id: str
    status: str  # added | updated | unchanged | removed | failed
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
            "added {a} · updated {u} · unchanged {n} · removed {r} · failed {f} · "
            "{c} chunks in index · {e} embedded · {s:.1f} s".format(
                a=self.count("added"),
                u=self.count("updated"),
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


class Ingestor:
    def __init__(self, settings: Settings, embedder: Embedder, progress: Progress | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = Store(settings, embedder)
        self.progress = progress or (lambda stage, done, total: None)

    def run(self, rebuild: bool = False, corpus_dir: Path | None = None) -> IngestReport:
        started = time.perf_counter()
        corpus = corpus_dir or self.settings.corpus_dir
        report = IngestReport()
        with ingest_lock(self.settings.data_dir):
            manifest = load_manifest(corpus, corpus / "manifest.toml")
            files = discover(corpus)
            existing = {} if rebuild else self.store.chunk_ids_by_doc()
            planned: list[tuple[DocMeta, list[Chunk], str]] = []  # meta, chunks, status
            present: set[str] = set()
            for n, path in enumerate(files, start=1):
                self.progress("read", n - 1, len(files))
                meta = manifest.documents.get(path.name)
                if meta is None:
                    meta = derived_meta(path)
                    report.warnings.append(
                        f"{path.name}: not in the manifest; ingested with metadata taken from the file"
                    )
                if meta.doc_id in present:
                    report.results.append(
                        DocResult(
                            path.name, meta.doc_id, "failed", 0, f"document id {meta.doc_id!r} is used by another file"
                        )
                    )
                    continue
                present.add(meta.doc_id)
                doc_hash = document_hash(path, meta)
                old = existing.get(meta.doc_id)
                if old is not None and old["hashes"] == {doc_hash}:
                    report.results.append(DocResult(path.name, meta.doc_id, "unchanged", len(old["ids"])))
                    continue
                try:
                    loaded = load(path, meta.title)
                    chunks = chunk_document(loaded, meta, doc_hash)
                    if not chunks:
                        raise IngestError(f"{path.name}: no text long enough to index")
                except IngestError as exc:
                    log.warning("%s", exc)
                    kept = len(old["ids"]) if old else 0
                    reason = str(exc).split(": ", 1)[-1] + (
                        f" (kept the {kept} chunks already indexed)" if kept else ""
                    )
                    report.results.append(DocResult(path.name, meta.doc_id, "failed", kept, reason))
                    continue
                planned.append((meta, chunks, "updated" if old else "added"))
            self.progress("read", len(files), len(files))
            removed = [d for d in existing if d not in present]

            # Embed everything before touching the store.
            new_chunks = [c for _, cs, _ in planned for c in cs]
            t0 = time.perf_counter()
            chunk_vecs = self._embed([search_text(c) for c in new_chunks], "embed passages")
            s_ids, s_cids, s_dids, s_texts = sentence_rows(new_chunks)
            sent_vecs = self._embed(s_texts, "embed sentences")
            report.embed_seconds = time.perf_counter() - t0
            report.chunks_embedded = len(new_chunks)

            if rebuild:
                self.store.reset()
            self.store.upsert_chunks(new_chunks, chunk_vecs)
            self.store.upsert_sentences(s_ids, s_cids, s_dids, s_texts, sent_vecs)
            for meta, chunks, status in planned:
                keep = {c.chunk_id for c in chunks}
                stale = [i for i in existing.get(meta.doc_id, {}).get("ids", []) if i not in keep]
                self.store.delete_chunks(stale)
                report.results.append(DocResult(meta.file, meta.doc_id, status, len(chunks)))
            for doc_id in removed:
                self.store.delete_chunks(existing[doc_id]["ids"])
                report.results.append(DocResult(existing[doc_id]["file"], doc_id, "removed", 0))
            if planned or removed or rebuild or not self.store.exists():
                self.store.mark_ingested()
            all_chunks = self.store.all_chunks() if self.store.exists() else []
            if all_chunks:
                refresh_lexical(self.store, self.settings, all_chunks)
            report.total_chunks = len(all_chunks)
        report.results.sort(key=lambda r: r.file)
        report.seconds = time.perf_counter() - started
        return report

    def _embed(self, texts: list[str], stage: str) -> np.ndarray:
        batch = max(1, self.settings.embed_batch_size)
        parts = []
        for i in range(0, len(texts), batch):
            self.progress(stage, i, len(texts))
            parts.append(self.embedder.embed(texts[i : i + batch]))
        self.progress(stage, len(texts), len(texts))
        if not parts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack(parts)
