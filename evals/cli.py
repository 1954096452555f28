"""`assistant eval`: run, compare and validate evaluation datasets."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.settings import Settings

from .dataset import DEV_SET, load_dataset, validate


def add_eval_parser(sub: Any) -> None:
    s = sub.add_parser("eval", help="evaluate the assistant on a gold dataset (or: eval validate FILE)")
    s.add_argument("action", nargs="?", choices=["run", "validate"], default="run")
    s.add_argument("file", nargs="?", help="dataset to validate")
    s.add_argument("--dataset", type=Path, default=DEV_SET)
    s.add_argument("--out", type=Path, help="run folder (default evals/runs/<timestamp>)")
    s.add_argument("--retriever", choices=["hybrid", "dense", "bm25"], default=None)
    s.add_argument("--compare", action="store_true", help="also run dense-only and BM25-only, side by side")
    s.add_argument("--baseline", type=Path, help="an earlier run folder to compare with")
    s.add_argument(
        "--min",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="fail (exit 1) below this value; maximum for false_refusal_rate and latency_*",
    )
    s.set_defaults(fn=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "validate":
        path = Path(args.file) if args.file else args.dataset
        problems = validate(path, settings.corpus_dir)
        for p in problems:
            print(p)
        if problems:
            print(f"{len(problems)} problem(s) in {path}", file=sys.stderr)
            return 1
        print(f"{path}: {len(load_dataset(path))} items, all valid; every evidence quote occurs in the corpus")
        return 0

    from tqdm import tqdm

    from assistant import Assistant

    from .runner import MODES, check_thresholds, default_out, metrics_for, run_items, table, write_run

    items = load_dataset(args.dataset)
    assistant = Assistant(settings)
    assistant.warm()
    primary = args.retriever or settings.retriever
    modes = [primary] + ([m for m in MODES if m != primary] if args.compare else [])
    comparison: dict[str, dict[str, Any]] = {}
    results: dict[str, Any] = {}
    for mode in modes:
        bar = tqdm(total=len(items), desc=f"eval {mode:<7}", unit="q", file=sys.stderr)

        def progress(done: int, total: int, bar: Any = bar) -> None:
            bar.n = done
            bar.refresh()

        rows = run_items(assistant, items, mode, progress)
        bar.close()
        results[mode] = (rows, metrics_for(rows))
        comparison[mode] = results[mode][1]["overall"]
    rows, metrics = results[primary]
    out = args.out or default_out(Path("evals/runs"))
    meta = {
        "dataset": str(args.dataset),
        "retriever": primary,
        "items": len(items),
        "embedding_model": settings.embedding_model,
        "generator": settings.generator,
    }
    write_run(out, rows, metrics, meta, args.baseline, comparison if args.compare else None)
    print(table(comparison))
    print(f"\n{sum(r['scores']['passed'] for r in rows)}/{len(rows)} items passed · report: {out / 'report.html'}")
    missed = check_thresholds(metrics, args.min)
    for m in missed:
        print(f"FAIL {m}", file=sys.stderr)
    print(json.dumps({"out": str(out)}), file=sys.stderr)
    return 1 if missed else 0
