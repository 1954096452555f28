"""Run a dataset through the assistant and write results.jsonl, metrics.json and report.html."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant import Assistant
from assistant.errors import AssistantError

from .dataset import Item
from .metrics import COMPARED, aggregate, score_item
from .report import write_report

Progress = Callable[[int, int], None]
MODES = ("hybrid", "dense", "bm25")
# An assistant turn written as this stands for whatever the assistant answers to the user turn
# before it: a follow-up is then asked after the answer a user would really have seen.
PREVIOUS_ANSWER = "(previous answer)"


def realise_history(
    assistant: Assistant, history: Sequence[dict[str, str]], mode: str, cache: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """`history` with each PREVIOUS_ANSWER turn replaced by the assistant's own answer."""
    cache = {} if cache is None else cache
    out: list[dict[str, str]] = []
    for turn in history:
        if turn["role"] == "assistant" and turn["content"].strip() == PREVIOUS_ANSWER and out:
            asked = out[-1]["content"] if out[-1]["role"] == "user" else ""
            key = json.dumps([out, mode])
            if asked and key not in cache:
                try:
                    cache[key] = assistant.ask(asked, out[:-1], retriever=mode).text
                except AssistantError as exc:
                    cache[key] = f"error: {exc}"
            turn = {"role": "assistant", "content": cache.get(key, turn["content"])}
        out.append(turn)
    return out


def run_items(
    assistant: Assistant, items: Sequence[Item], mode: str, progress: Progress | None = None
) -> list[dict[str, Any]]:
    rows = []
    answered: dict[str, str] = {}
    for n, item in enumerate(items):
        if progress:
            progress(n, len(items))
        history = realise_history(assistant, item.history, mode, answered)
        t = time.perf_counter()
        try:
            answer = assistant.ask(item.question, history, retriever=mode).to_json()
        except AssistantError as exc:
            answer = {
                "answer": f"error: {exc}",
                "refused": True,
                "outcome": "refuse",
                "mode": "error",
                "model": "",
                "fallback_reason": "",
                "notices": [],
                "citations": [],
                "retrieved": [],
            }
        latency = (time.perf_counter() - t) * 1000
        rows.append(
            {
                "id": item.id,
                "question": item.question,
                "category": item.category,
                "answerable": item.answerable,
                "history": history,
                "evidence": item.evidence,
                "key_facts": item.key_facts,
                "answer": answer["answer"],
                "refused": answer["refused"],
                "outcome": answer.get("outcome", "refuse" if answer["refused"] else "answer"),
                "mode": answer.get("mode", "extractive"),
                # With a generator: the model, and why the quoted answer was shown instead.
                "model": answer.get("model", ""),
                "fallback_reason": answer.get("fallback_reason", ""),
                "notices": answer["notices"],
                "citations": answer["citations"],
                "retrieved": answer["retrieved"][:10],
                "latency_ms": round(latency, 2),
                "scores": score_item(item, answer),
            }
        )
    if progress:
        progress(len(items), len(items))
    return rows


def metrics_for(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    cats = sorted({r["category"] for r in rows})
    return {
        "overall": aggregate(rows),
        "by_category": {c: aggregate([r for r in rows if r["category"] == c]) for c in cats},
    }


def default_out(runs_dir: Path) -> Path:
    return runs_dir / dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def write_run(
    out: Path,
    rows: list[dict[str, Any]],
    metrics: dict[str, Any],
    meta: dict[str, Any],
    baseline: Path | None = None,
    comparison: dict[str, dict[str, Any]] | None = None,
    problems: Sequence[str] = (),
) -> Path:
    """The run's files in `out`; `problems`: the dataset's items skipped, each with its reason."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    payload = {**metrics, "meta": meta}
    if comparison:
        payload["comparison"] = comparison
    (out / "metrics.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    base_rows, base_metrics = load_run(baseline) if baseline else (None, None)
    write_report(out / "report.html", rows, metrics, meta, base_rows, base_metrics, comparison, problems)
    return out


def load_run(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    try:
        rows = [json.loads(x) for x in (path / "results.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AssistantError(f"--baseline {path}: not an evaluation run folder ({exc})") from exc
    return rows, metrics


def check_thresholds(metrics: dict[str, Any], minimums: Sequence[str]) -> list[str]:
    """Missed thresholds. `false_refusal_rate` and latencies are maxima; the rest minima."""
    missed = []
    overall = metrics["overall"]
    for spec in minimums:
        name, _, value = spec.partition("=")
        if name not in overall:
            raise AssistantError(f"--min {spec}: unknown metric {name!r} (one of {', '.join(overall)})")
        try:
            bound = float(value)
        except ValueError as exc:
            raise AssistantError(f"--min {spec}: {value!r} is not a number") from exc
        got = overall[name]
        upper = name == "false_refusal_rate" or name.startswith(("latency", "partial"))
        if got is None or (got > bound if upper else got < bound):
            missed.append(f"{name} = {got} ({'above the maximum' if upper else 'below the minimum'} {bound})")
    return missed


def table(comparison: dict[str, dict[str, Any]]) -> str:
    keys = COMPARED
    modes = list(comparison)
    lines = [f"{'metric':<20}" + "".join(f"{m:>10}" for m in modes)]
    for k in keys:
        vals = [comparison[m].get(k) for m in modes]
        lines.append(f"{k:<20}" + "".join(f"{'-' if v is None else round(v, 3):>10}" for v in vals))
    return "\n".join(lines)
