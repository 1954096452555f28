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
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale_children import FIRST, INGEST, PROFILE, WARM  # noqa: E402
from scale_load import LOAD_API, load_slack, stop_process  # noqa: E402
from scale_report import chart, pct, table  # noqa: E402

from tests.helpers import free_port, wait_http  # noqa: E402

PY = sys.executable
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
        stop_process(proc, 30)
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
    if derive:
        row["derived_from"] = args.derive_from
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
        # --out may lie outside the checkout (a scratch folder): then the path is kept whole.
        row["profile"] = str(out_path.relative_to(ROOT) if out_path.is_relative_to(ROOT) else out_path)
    if args.load_seconds > 0 and mode in args.load_modes:
        log(f"{size}x {mode}: load, Python API")
        api = child(LOAD_API.format(seconds=args.load_seconds), env)
        lat = api["latencies"]
        row["load_seconds"] = args.load_seconds
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
