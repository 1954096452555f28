"""`assistant eval`: run, compare and validate evaluation datasets.

With no `--dataset`, the dev split, the frozen test split and the editors' feedback split (each
when present) run one after the other and print side by side; each gets its own folder under
the run (`<out>/<split>/results.jsonl, metrics.json, report.html`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.errors import DatasetError
from assistant.settings import Settings

from .dataset import DatasetCheck, check_dataset, default_datasets


def add_eval_parser(sub: Any) -> None:
    s = sub.add_parser("eval", help="evaluate the assistant on gold datasets (or: eval validate FILE)")
    s.add_argument("action", nargs="?", choices=["run", "validate"], default="run")
    s.add_argument("file", nargs="?", help="dataset to validate")
    s.add_argument(
        "--dataset",
        type=Path,
        action="append",
        help="a dataset to run (repeatable; default: dev, test and feedback splits that exist)",
    )
    s.add_argument("--out", type=Path, help="run folder (default <ASSISTANT_EVALS_DIR>/runs/<timestamp>)")
    s.add_argument("--retriever", choices=["hybrid", "dense", "bm25"], default=None)
    s.add_argument("--compare", action="store_true", help="also run dense-only and BM25-only, side by side")
    s.add_argument("--baseline", type=Path, help="an earlier run folder to compare with")
    s.add_argument("--strict", action="store_true", help="any problem item is fatal (default: skip and count it)")
    s.add_argument(
        "--generator",
        choices=["extractive", "openai", "llamacpp"],
        help="answer with this generator (default ASSISTANT_GENERATOR); reports the generated share and "
        "fallback reasons per split",
    )
    s.add_argument(
        "--min",
        action="append",
        default=[],
        metavar="[SPLIT:]METRIC=VALUE",
        help="fail (exit 1) below this value, on every split or only SPLIT (e.g. test:mrr=0.85); "
        "a maximum for false_refusal_rate, partial_* and latency_*",
    )
    s.set_defaults(fn=cmd_eval)


def _report_problems(check: DatasetCheck) -> None:
    for w in check.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for p in check.errors:
        print(f"problem: {p}", file=sys.stderr)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "validate":
        path = Path(args.file) if args.file else (args.dataset or default_datasets(settings.evals_dir / "datasets"))[0]
        check = check_dataset(path, settings.corpus_dir)
        for p in check.errors:
            print(p)
        for w in check.warnings:
            print(f"warning: {w}")
        if check.errors:
            print(f"{len(check.errors)} problem(s) in {path}", file=sys.stderr)
            return 1
        print(
            f"{path}: {len(check.items)} items, all valid; every evidence quote occurs in the corpus"
            + (f" ({len(check.warnings)} warning(s))" if check.warnings else "")
        )
        return 0

    from assistant import Assistant
    from assistant.interfaces.progress import stage_progress

    from .runner import MODES, check_thresholds, default_out, load_run, metrics_for, run_items, table, write_run
    from .versus import versus

    checks = [
        check_dataset(p, settings.corpus_dir)
        for p in (args.dataset or default_datasets(settings.evals_dir / "datasets"))
    ]
    for check in checks:
        _report_problems(check)
        if check.errors and args.strict:
            raise DatasetError(f"{check.path}: {len(check.errors)} problem item(s) and --strict was given")
        if not check.items:
            raise DatasetError(f"{check.path}: no valid items to run")
    if args.generator:
        settings = settings.replace(generator=args.generator)
        settings.validate()
    assistant = Assistant(settings)
    assistant.warm()
    primary = args.retriever or settings.retriever
    modes = [primary] + ([m for m in MODES if m != primary] if args.compare else [])
    out = args.out or default_out(settings.evals_dir / "runs")
    columns: dict[str, dict[str, Any]] = {}
    summary: dict[str, Any] = {}
    missed: list[str] = []
    generation_lines: list[str] = []
    passed = total = 0
    for check in checks:
        split = check.path.stem
        comparison: dict[str, dict[str, Any]] = {}
        results: dict[str, Any] = {}
        for mode in modes:
            # A bar on a terminal; one line per split and retriever in a log (CI, a file).
            stage, report = f"{split} {mode}", stage_progress(sys.stderr, unit="questions")

            def progress(done: int, n: int, stage: str = stage, report: Any = report) -> None:
                report(stage, done, n)

            rows = run_items(assistant, check.items, mode, progress)
            results[mode] = (rows, metrics_for(rows))
            comparison[mode] = results[mode][1]["overall"]
            columns[split if len(modes) == 1 else f"{split}:{mode}"] = comparison[mode]
        rows, metrics = results[primary]
        meta = {
            "dataset": str(check.path),
            "retriever": primary,
            "items": len(check.items),
            "skipped": check.skipped,
            "warnings": len(check.warnings),
            "embedding_model": settings.embedding_model,
            "generator": settings.generator,
            "model": next((r["model"] for r in rows if r.get("model")), ""),
        }
        baseline = None
        if args.baseline:
            baseline = args.baseline / split if (args.baseline / split).is_dir() else args.baseline
        write_run(out / split, rows, metrics, meta, baseline, comparison if args.compare else None, check.errors)
        if baseline is not None:
            vs = versus(rows, load_run(baseline)[0])
            print(
                f"{split}: against the baseline {len(vs.improved)} improved, "
                f"{len(vs.regressed) + len(vs.dropped)} regressed"
                + (f" ({len(vs.dropped)} that passed are no longer run)" if vs.dropped else ""),
                file=sys.stderr,
            )
            # No threshold sees an item that is not run: one that passed and now is not fails the run.
            if vs.dropped:
                missed.append(
                    f"{split}: {len(vs.dropped)} item(s) that passed in the baseline no longer run "
                    f"({', '.join(r['id'] for r in vs.dropped[:5])}{' …' if len(vs.dropped) > 5 else ''})"
                )
        summary[split] = {"overall": metrics["overall"], "skipped": check.skipped, "report": str(out / split)}
        if settings.generator != "extractive":
            generation_lines.append(_generation_line(split, metrics["overall"], rows))
        passed += sum(r["scores"]["passed"] for r in rows)
        total += len(rows)
        missed += [f"{split}: {m}" for m in check_thresholds(metrics, _for_split(args.min, split))]
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(table(columns))
    for line in generation_lines:
        print(line)
    skipped = sum(c.skipped for c in checks)
    print(
        f"\n{passed}/{total} items passed"
        + (f" · {skipped} problem item(s) skipped (see above)" if skipped else "")
        + f" · reports: {', '.join(str(out / c.path.stem / 'report.html') for c in checks)}"
    )
    for m in missed:
        print(f"FAIL {m}", file=sys.stderr)
    print(json.dumps({"out": str(out)}), file=sys.stderr)
    return 1 if missed else 0


def _generation_line(split: str, overall: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    answered = sum(not r["refused"] for r in rows)
    reasons = overall.get("fallback_reasons") or {}
    share = overall.get("generated_share")
    return (
        f"{split}: {overall.get('generated', 0)}/{answered} answers generated"
        + (f" ({share:.0%})" if share is not None else "")
        + " · fallbacks: "
        + (", ".join(f"{k} {v}" for k, v in reasons.items()) or "none")
    )


def _for_split(specs: list[str], split: str) -> list[str]:
    """The `--min` thresholds that apply to `split`: unprefixed ones, and `split:`-prefixed ones."""
    out = []
    for spec in specs:
        name = spec.partition("=")[0]
        if ":" in name:
            prefix, _, rest = spec.partition(":")
            if prefix == split:
                out.append(rest)
        else:
            out.append(spec)
    return out
