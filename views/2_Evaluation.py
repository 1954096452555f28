"""Content editors: run the evaluation and read the latest results."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from assistant import AssistantError, Settings
from assistant.interfaces.webauth import require_editor
from assistant.interfaces.webui import assistant, md_escape
from evals.dataset import default_datasets, load_dataset
from evals.runner import default_out, metrics_for, run_items, write_run

st.set_page_config(page_title="Evaluation", page_icon=":material/fact_check:", layout="wide")
st.title("Evaluation")
require_editor()
settings = Settings.from_env()
RUNS = settings.evals_dir / "runs"

# The evaluation splits only: evals/datasets/ also holds the support checker's labelled pairs.
datasets = default_datasets(settings.evals_dir / "datasets")
dataset = st.selectbox("Dataset", datasets, format_func=lambda p: p.name)
if st.button("Run the evaluation", type="primary"):
    try:
        items = load_dataset(Path(dataset))
        bar = st.progress(0.0, text="Evaluating…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total, text=f"Evaluating {done}/{total}")

        rows = run_items(assistant(), items, "hybrid", progress)
        previous = sorted(p for p in RUNS.glob("*") if (p / "metrics.json").is_file())
        out = write_run(
            default_out(RUNS),
            rows,
            metrics_for(rows),
            {"dataset": str(dataset), "retriever": "hybrid", "items": len(items)},
            previous[-1] if previous else None,
        )
        bar.empty()
        st.success(f"Run saved to {md_escape(str(out))}")
    except AssistantError as exc:
        st.error(md_escape(str(exc)))

runs = sorted(p for p in RUNS.glob("*") if (p / "metrics.json").is_file())
if not runs:
    st.info("No evaluation run yet.")
    st.stop()
latest = runs[-1]
metrics = json.loads((latest / "metrics.json").read_text())
before = json.loads((runs[-2] / "metrics.json").read_text())["overall"] if len(runs) > 1 else {}
st.subheader(f"Latest run: {latest.name}")
cols = st.columns(6)
for col, (key, label) in zip(
    cols,
    [
        ("hit@5", "Evidence in top 5"),
        ("mrr", "MRR"),
        ("key_fact_recall", "Key facts"),
        ("citation_support", "Citation support"),
        ("refusal_recall", "Refusal recall"),
        ("false_refusal_rate", "False refusals"),
    ],
    strict=True,
):
    now, old = metrics["overall"].get(key), before.get(key)
    delta = None if now is None or old is None else round(now - old, 3)
    col.metric(
        label,
        "–" if now is None else f"{now:.2f}",
        delta,
        delta_color="inverse" if key == "false_refusal_rate" else "normal",
    )
by_cat = {
    c: {k: v[k] or 0 for k in ("hit@5", "key_fact_recall", "citation_support")}
    for c, v in metrics["by_category"].items()
}
st.bar_chart(by_cat, horizontal=False, stack=False)
rows = [json.loads(x) for x in (latest / "results.jsonl").read_text().splitlines() if x.strip()]
failing = [r for r in rows if not r["scores"]["passed"]]
st.subheader(f"Failing items ({len(failing)} of {len(rows)})")
for r in failing:
    with st.expander(f"{r['id']}: {r['question']}"):
        st.markdown("**Why:** " + md_escape(", ".join(r["scores"]["why"])))
        st.markdown("**Answer:** " + md_escape(r["answer"]))
        st.markdown("**Expected evidence:**")
        for q in r["evidence"]:
            st.markdown("> " + md_escape(q))
report = (latest / "report.html").read_text(encoding="utf-8")
st.download_button("Download the HTML report", report, file_name=f"report-{latest.name}.html", mime="text/html")
with st.expander("Full report"):
    components.html(report, height=900, scrolling=True)
