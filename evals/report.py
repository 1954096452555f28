"""A self-contained HTML report for content editors: figures, charts (inline SVG), failures."""

from __future__ import annotations

import html
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .metrics import COMPARED

HEADLINE = [
    ("hit@5", "Evidence in top 5", False),
    ("mrr", "MRR", False),
    ("key_fact_recall", "Key facts", False),
    ("citation_support", "Citation support", False),
    ("refusal_recall", "Refusal recall", False),
    ("false_refusal_rate", "False refusals", True),
    ("partial_rate", "Partial answers", True),
    ("latency_p50_ms", "Latency p50 (ms)", True),
    ("latency_p95_ms", "Latency p95 (ms)", True),
]
CHARTED = ["hit@5", "mrr", "key_fact_recall", "citation_support"]
e = html.escape


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float) and v <= 1.0:
        return f"{v:.2f}"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _bars(title: str, data: list[tuple[str, float]], maximum: float = 1.0) -> str:
    w, row = 420, 22
    h = row * len(data) + 28
    out = [
        f'<svg role="img" aria-label="{e(title)}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-size="13" font-weight="bold">{e(title)}</text>',
    ]
    for i, (label, value) in enumerate(data):
        y = 24 + i * row
        bw = 0 if maximum == 0 else int(220 * max(0.0, value) / maximum)
        colour = "#2b8a3e" if value >= 0.9 * maximum else "#e67700" if value >= 0.7 * maximum else "#c92a2a"
        out.append(f'<text x="0" y="{y + 14}" font-size="12">{e(label)}</text>')
        out.append(f'<rect x="120" y="{y + 3}" width="{bw}" height="14" fill="{colour}"/>')
        out.append(f'<text x="{126 + bw}" y="{y + 14}" font-size="12">{value:.2f}</text>')
    out.append("</svg>")
    return "".join(out)


def _histogram(values: Sequence[float], bins: int = 12) -> str:
    if not values:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / span * bins))] += 1
    top = max(counts)
    w, h = 420, 150
    bw = (w - 40) // bins
    out = [
        f'<svg role="img" aria-label="Latency histogram" width="{w}" height="{h + 40}" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<text x="0" y="14" font-size="13" font-weight="bold">Latency per item (ms)</text>',
    ]
    for i, c in enumerate(counts):
        bh = int((h - 30) * c / top) if top else 0
        out.append(
            f'<rect x="{20 + i * bw}" y="{h - bh}" width="{bw - 2}" height="{bh}" fill="#1c7ed6">'
            f"<title>{c}</title></rect>"
        )
    out.append(f'<text x="20" y="{h + 16}" font-size="11">{lo:.0f}</text>')
    out.append(f'<text x="{w - 60}" y="{h + 16}" font-size="11">{hi:.0f}</text>')
    out.append("</svg>")
    return "".join(out)


def _item_html(r: dict[str, Any]) -> str:
    cites = (
        "".join(
            f"<li><b>[{c['n']}]</b> {e(c['title'])} · {e(str(c['published']))} · {e(c['section'])}"
            f"{' · p. ' + str(c['page']) if c.get('page') else ''}<br><q>{e(c['quote'])}</q></li>"
            for c in r["citations"]
        )
        or "<li>(none)</li>"
    )
    evidence = "".join(f"<li><q>{e(q)}</q></li>" for q in r["evidence"]) or "<li>(none: should be refused)</li>"
    facts = "; ".join(" / ".join(alts) for alts in r["key_facts"]) or "–"
    hist = "".join(f"<div class=h><b>{e(t['role'])}:</b> {e(t['content'])}</div>" for t in r.get("history", []))
    why = ", ".join(r["scores"].get("why", []))
    outcome = r.get("outcome", "refuse" if r["refused"] else "answer")
    return (
        f"<details class=item><summary><code>{e(r['id'])}</code> [{e(r['category'])}] {e(r['question'])}"
        f" — <span class=why>{e(why)}</span></summary>{hist}"
        f"<div class=cols><div><h4>Answer ({e(outcome)})</h4><p class=ans>{e(r['answer'])}</p>"
        f"<h4>Citations</h4><ol>{cites}</ol></div>"
        f"<div><h4>Expected evidence</h4><ul>{evidence}</ul><h4>Key facts</h4><p>{e(facts)}</p>"
        f"<h4>Top retrieved</h4><ol>"
        + "".join(f"<li>{e(x['doc_id'])} · {e(x['section'])} ({x['score']})</li>" for x in r["retrieved"][:5])
        + "</ol></div></div></details>"
    )


def write_report(
    path: Path,
    rows: list[dict[str, Any]],
    metrics: dict[str, Any],
    meta: dict[str, Any],
    base_rows: list[dict[str, Any]] | None = None,
    base_metrics: dict[str, Any] | None = None,
    comparison: dict[str, dict[str, Any]] | None = None,
) -> None:
    overall = metrics["overall"]
    cards = "".join(
        f"<div class=card><div class=v>{_fmt(overall.get(k))}</div><div class=l>{e(label)}</div>"
        + (
            f"<div class=d>{_delta(overall.get(k), base_metrics['overall'].get(k), lower)}</div>"
            if base_metrics
            else ""
        )
        + "</div>"
        for k, label, lower in HEADLINE
    )
    cats = metrics["by_category"]
    charts = "".join(_bars(k, [(c, v[k]) for c, v in cats.items() if v.get(k) is not None]) for k in CHARTED) + _bars(
        "refusal (unanswerable)",
        [(c, v["refusal_recall"]) for c, v in cats.items() if v.get("refusal_recall") is not None],
    )
    failing = [r for r in rows if not r["scores"]["passed"]]
    comp = ""
    if comparison:
        keys = COMPARED
        comp = (
            "<h2>Retrievers compared</h2><table><tr><th>metric</th>"
            + "".join(f"<th>{e(m)}</th>" for m in comparison)
            + "</tr>"
        )
        comp += "".join(
            "<tr><td>"
            + e(k)
            + "</td>"
            + "".join(f"<td>{_fmt(comparison[m].get(k))}</td>" for m in comparison)
            + "</tr>"
            for k in keys
        )
        comp += "</table>"
    diff = ""
    if base_rows is not None:
        before = {r["id"]: r["scores"]["passed"] for r in base_rows}
        improved = [r for r in rows if r["scores"]["passed"] and before.get(r["id"]) is False]
        regressed = [r for r in rows if not r["scores"]["passed"] and before.get(r["id"]) is True]
        diff = (
            f"<h2>Compared with the baseline</h2><p>{len(improved)} improved, {len(regressed)} regressed.</p>"
            "<h3>Regressed</h3>"
            + ("".join(_item_html(r) for r in regressed) or "<p>None.</p>")
            + "<h3>Improved</h3><ul>"
            + "".join(f"<li><code>{e(r['id'])}</code> {e(r['question'])}</li>" for r in improved)
            + "</ul>"
        )
    css = resources.files("evals").joinpath("report.css").read_text(encoding="utf-8")
    meta_line = " · ".join(f"{e(str(k))}: {e(str(v))}" for k, v in meta.items())
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Evaluation report</title><style>{css}</style></head><body>
<h1>Evaluation report</h1><p>{meta_line}</p>
<div class=cards>{cards}</div>
<h2>By category</h2><div class=charts>{charts}{_histogram([r["latency_ms"] for r in rows])}</div>
{comp}{diff}
<h2>Failing items ({len(failing)} of {len(rows)})</h2>
{"".join(_item_html(r) for r in failing) or "<p>Every item passed.</p>"}
</body></html>"""
    path.write_text(page, encoding="utf-8")


def _delta(now: Any, before: Any, lower_is_better: bool) -> str:
    if now is None or before is None:
        return ""
    d = now - before
    if abs(d) < 1e-9:
        return "±0"
    good = d < 0 if lower_is_better else d > 0
    return f"<span style='color:{'#2b8a3e' if good else '#c92a2a'}'>{d:+.2f}</span>"
