"""bench/scale.py's output: percentiles, the Markdown table (bench/results/scale.md) and the
chart of latency and memory against corpus size (scale.png)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from evals.metrics import percentile


def pct(values: list[float], q: float) -> float:
    """The evaluation's percentile, to a tenth."""
    return round(percentile(values, q), 1)


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
        # Rows written before `derived_from` was recorded were all derived from the 100× run.
        size = f"{r['size']}×" + (f" (vectors derived from {r.get('derived_from', 100)}×)" if r.get("derived") else "")
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
            f"16 clients for {_by_run(loads, 'load_seconds', {'load_seconds': 60})} s on 127.0.0.1 "
            "(each waits for its answer before asking again):",
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
