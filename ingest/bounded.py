"""Bounded load-and-chunk: every per-document limit and the time limit, in one call.

`load_and_chunk(path, meta, doc_hash, limits)` is what ingest and editor uploads call. The
size, text and HTML-depth limits are checked by the loaders (`Limits`); the time limit is
enforced by running the work in a worker process that is killed when the document overruns.

Workers are `python -m ingest.bounded` subprocesses, not `multiprocessing` children: under
Streamlit `sys.modules["__main__"]` is the page script, which a spawn or forkserver child would
run again. A worker imports the loaders once, then serves one document at a time over its
stdin/stdout (length-prefixed pickles); idle workers are kept for the next call, so an upload
check costs no interpreter start, and a killed worker is simply replaced.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Sequence
from multiprocessing.connection import wait as wait_ready
from pathlib import Path
from typing import IO, Any

from assistant.errors import IngestError
from assistant.types import Chunk

from .chunk import chunk_document
from .limits import Limits, check_file_size
from .loaders import load
from .manifest import DocMeta

__all__ = ["Limits", "load_and_chunk", "load_and_chunk_ahead", "load_and_chunk_many"]

Job = tuple[Path, DocMeta, str]  # path, metadata, document hash
_FRAME = struct.Struct(">Q")
_STARTUP_S = 60.0  # importing the loaders (langchain) takes about a second; allow a slow disk
_KEEP_IDLE = 4


def load_and_chunk(path: Path, meta: DocMeta, doc_hash: str, limits: Limits) -> list[Chunk]:
    """The document's chunks, within every limit; IngestError naming the file and the limit."""
    for _, result in load_and_chunk_many([(path, meta, doc_hash)], limits, workers=1):
        if isinstance(result, IngestError):
            raise result
        return result
    raise AssertionError("unreachable: one job gives one result")  # pragma: no cover


def load_and_chunk_many(
    jobs: Sequence[Job], limits: Limits, workers: int = 2
) -> Generator[tuple[int, list[Chunk] | IngestError]]:
    """(index in `jobs`, chunks or the IngestError) for every job, in completion order.

    Up to `workers` documents are processed in parallel, each under `limits.document_timeout_s`.
    With a timeout of 0 or less the work runs in this process, one document after another.
    """
    if limits.document_timeout_s <= 0:
        for i, job in enumerate(jobs):
            try:
                yield i, run_job(job, limits)
            except IngestError as exc:
                yield i, exc
        return
    waiting = list(enumerate(jobs))[::-1]
    busy: dict[_Worker, tuple[int, Path, float]] = {}  # worker → job index, path, deadline
    try:
        while waiting or busy:
            while waiting and len(busy) < max(1, workers):
                i, (path, meta, doc_hash) = waiting.pop()
                try:
                    precheck(path, limits)
                    worker = _take()
                    worker.send((path, meta, doc_hash, limits))
                except IngestError as exc:
                    yield i, exc
                    continue
                busy[worker] = (i, path, time.monotonic() + limits.document_timeout_s)
            if not busy:
                continue
            wait = max(0.0, min(d for _, _, d in busy.values()) - time.monotonic())
            by_fd = {worker.fd: worker for worker in busy}
            # Poll-based (multiprocessing's wait): no FD_SETSIZE limit, unlike select().
            ready = [by_fd[fd] for fd in wait_ready(list(by_fd), wait) if isinstance(fd, int)]
            for worker in ready:
                i, path, _ = busy[worker]
                try:
                    reply = worker.feed()
                except IngestError as exc:  # the worker died (killed for memory, crashed)
                    del busy[worker]
                    worker.stop()
                    yield i, IngestError(f"{path.name}: {exc}")
                    continue
                if reply is not None:
                    del busy[worker]
                    _give(worker)
                    kind, payload = reply
                    yield i, (payload if kind == "ok" else IngestError(payload))
            now = time.monotonic()
            for worker, (i, path, deadline) in list(busy.items()):
                if deadline <= now:
                    del busy[worker]
                    worker.stop()
                    yield (
                        i,
                        IngestError(
                            f"{path.name}: not loaded and chunked within {limits.document_timeout_s:g} s, stopped"
                            " (ASSISTANT_DOCUMENT_TIMEOUT_S)"
                        ),
                    )
    finally:  # the caller stopped early or failed: no worker keeps running a document
        for worker in busy:
            worker.stop()


def load_and_chunk_ahead(
    jobs: Sequence[Job], limits: Limits, workers: int, ahead: int
) -> Generator[tuple[int, list[Chunk] | IngestError]]:
    """`load_and_chunk_many` run on a background thread, at most `ahead` documents ahead of
    the caller: ingest embeds and writes what has arrived while the workers parse the rest, and
    memory stays bounded when parsing runs faster. A failure of the parsing itself is raised
    here; stopping early stops the workers."""
    out: queue.Queue[tuple[int, object] | None] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def send(item: tuple[int, object] | None) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        results = load_and_chunk_many(jobs, limits, workers=workers)
        try:
            for item in results:
                if not send(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            send((-1, exc))
        finally:
            results.close()  # stops any worker still busy
            send(None)

    thread = threading.Thread(target=produce, name="ingest-parse", daemon=True)
    thread.start()
    try:
        while (item := out.get()) is not None:
            i, result = item
            if i < 0:
                assert isinstance(result, BaseException)
                raise result
            assert isinstance(result, list | IngestError)
            yield i, result
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                out.get_nowait()
        thread.join(timeout=30)


def precheck(path: Path, limits: Limits) -> None:
    """Checks cheap enough to make before handing the file to a worker."""
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
            raise IngestError(f"{path.name}: a link to a file outside its folder; copy the file in instead")
        check_file_size(path.name, path.stat().st_size, limits)
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot be read ({exc.strerror})") from exc


def run_job(job: Job, limits: Limits) -> list[Chunk]:
    """Load and chunk in this process; any failure becomes an IngestError naming the file."""
    path, meta, doc_hash = job
    precheck(path, limits)
    try:
        chunks = chunk_document(load(path, meta.title, limits), meta, doc_hash)
    except IngestError:
        raise
    except Exception as exc:  # a loader or library bug must fail this document, not the run
        raise IngestError(f"{path.name}: could not be processed ({type(exc).__name__}: {exc})") from exc
    if not chunks:
        raise IngestError(f"{path.name}: no text long enough to index")
    return chunks


# --- worker processes -------------------------------------------------------------------


def _write_frame(out: IO[bytes], obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_FRAME.pack(len(data)) + data)
    out.flush()


class _Worker:
    """One `python -m ingest.bounded` process; `feed()` reads its reply as bytes arrive."""

    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parent.parent)  # this checkout, not an installed copy
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ingest.bounded"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.fd = self.proc.stdin, self.proc.stdout.fileno()
        self.buf = bytearray()
        deadline, ready = time.monotonic() + _STARTUP_S, None
        try:
            while ready is None:
                if not wait_ready([self.fd], max(0.0, deadline - time.monotonic())):
                    raise IngestError(f"the document worker did not start within {_STARTUP_S:g} s")
                ready = self.feed()
        except IngestError:
            self.stop()
            raise
        if ready != ("ready", None):
            self.stop()
            raise IngestError(f"the document worker did not start ({ready!r})")

    def send(self, job: tuple[Path, DocMeta, str, Limits]) -> None:
        try:
            _write_frame(self.stdin, job)
        except OSError as exc:
            self.stop()
            raise IngestError(f"{job[0].name}: the document worker stopped ({exc})") from exc

    def feed(self) -> Any:
        """The reply once complete, else None. Reads what is available without blocking."""
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise IngestError(f"the document worker stopped (exit code {self.proc.poll()})")
        self.buf += chunk
        if len(self.buf) < _FRAME.size:
            return None
        (size,) = _FRAME.unpack_from(self.buf)
        if len(self.buf) < _FRAME.size + size:
            return None
        reply = pickle.loads(bytes(self.buf[_FRAME.size : _FRAME.size + size]))
        del self.buf[: _FRAME.size + size]
        return reply

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


_idle: list[_Worker] = []
_lock = threading.Lock()


def _take() -> _Worker:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.proc.poll() is None:
                return worker
            worker.stop()
    return _Worker()


def _give(worker: _Worker) -> None:
    with _lock:
        if len(_idle) < _KEEP_IDLE:
            _idle.append(worker)
            return
    worker.stop()


@atexit.register
def _stop_idle() -> None:
    with _lock:
        while _idle:
            _idle.pop().stop()


def _serve() -> None:
    """Worker main loop: read a job, reply with ("ok", chunks) or ("error", message)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library's stray print goes to stderr, never into the replies
    inp = sys.stdin.buffer
    _write_frame(out, ("ready", None))
    while header := inp.read(_FRAME.size):
        path, meta, doc_hash, limits = pickle.loads(inp.read(_FRAME.unpack(header)[0]))
        try:
            reply: tuple[str, object] = ("ok", run_job((path, meta, doc_hash), limits))
        except IngestError as exc:
            reply = ("error", str(exc))
        _write_frame(out, reply)


if __name__ == "__main__":
    # A terminal's Ctrl-C reaches every process of its group: the ingest that started this worker
    # stops it (and says what stays), so the worker's own traceback would only bury that line.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _serve()
