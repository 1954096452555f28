"""Content editors: what doctors ask, what the corpus cannot answer, which documents carry the answers.

A thin page over `assistant/interfaces/insights.py`; every chart has its figures as a CSV download.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from assistant import AssistantError, Settings
from assistant.interfaces.insights import (
    DEFAULT_SIMILARITY,
    MAX_INSIGHT_ROWS,
    all_rows,
    cluster_questions,
    document_citations,
    outcome_rates,
    questions_per_period,
    to_csv,
)
from assistant.interfaces.webauth import require_editor
from assistant.interfaces.webui import assistant, feedback_store, md_escape

TOP_GAPS = 15

st.set_page_config(page_title="Insights", page_icon=":material/insights:", layout="wide")
st.title("Insights")
require_editor()
settings = Settings.from_env()


def download(label: str, records: Sequence[dict[str, Any]], name: str) -> None:
    st.download_button(
        label, to_csv(records), file_name=f"{name}.csv", mime="text/csv", key=f"csv_{name}", icon=":material/download:"
    )


def horizontal_bars(frame: pd.DataFrame, label: str, measures: list[str], axis_title: str) -> alt.Chart:
    """Bars in the frame's order, one per measure side by side, with whole labels (st.bar_chart
    cuts a long question or title to a few words)."""
    folded: list[Any] = list(measures)  # altair's annotation wants its own FieldName type
    legend = alt.Legend(orient="bottom") if len(measures) > 1 else None
    return (
        alt.Chart(frame)
        .transform_fold(folded, as_=["measure", "value"])
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=480)),
            yOffset=alt.YOffset("measure:N", sort=measures),
            x=alt.X("value:Q", title=axis_title, axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("measure:N", sort=measures, title=None, legend=legend),
            tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip("measure:N"), alt.Tooltip("value:Q")],
        )
    )


@st.cache_data(show_spinner="Grouping questions by meaning…", max_entries=8, ttl=dt.timedelta(hours=1))
def vectors(texts: tuple[str, ...], model: str) -> np.ndarray:
    # Cached so moving the similarity slider does not embed the same questions again; kept an hour
    # at most (these are doctors' questions, under the retention rule).
    return np.asarray(assistant().embedder.embed(list(texts)))


c1, c2, c3 = st.columns(3)
since = c1.date_input("From", value=None, key="ins_since", format="YYYY-MM-DD")
until = c2.date_input("To (inclusive)", value=None, key="ins_until", format="YYYY-MM-DD")
period = c3.radio("Per", ["day", "week"], horizontal=True, key="ins_period") or "day"
try:
    rows = all_rows(
        feedback_store(),
        since if isinstance(since, dt.date) else None,
        until if isinstance(until, dt.date) else None,
    )
except AssistantError as exc:
    st.error(md_escape(str(exc)))
    st.stop()
st.caption(
    f"{len(rows)} answers on the web and in Slack. Questions and comments are kept for "
    f"{settings.feedback_retention_days} days."
)
if len(rows) >= MAX_INSIGHT_ROWS:
    st.warning(f"Only the newest {MAX_INSIGHT_ROWS} answers are counted; choose a shorter period.")
if not rows:
    st.info("No answers in this period.")
    st.stop()

st.subheader(f"Questions per {period}")
per_period = questions_per_period(rows, period)
st.bar_chart(
    pd.DataFrame(per_period),
    x="period",
    y=["web", "slack"],
    x_label=period,
    y_label="questions",
    stack=True,
    alt=f"Questions per {period}, web and Slack",
)
download("Questions per period (CSV)", per_period, f"questions-per-{period}")

st.subheader("Refused and partial answers")
rates = outcome_rates(rows, period)
# Altair rather than st.line_chart: points as well as lines, so a single day still shows.
frame = pd.DataFrame(
    {
        "period": [r["period"] for r in rates],
        "refused": [r["refusal_rate"] for r in rates],
        "partial": [r["partial_rate"] for r in rates],
    }
)
lines = (
    alt.Chart(frame)
    .transform_fold(["refused", "partial"], as_=["answers", "share"])
    .mark_line(point=True)
    .encode(
        x=alt.X("period:T", title=period, axis=alt.Axis(format="%d %b %Y")),
        y=alt.Y("share:Q", title="share of questions", axis=alt.Axis(format="%")),
        color=alt.Color("answers:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[
            alt.Tooltip("period:T", format="%d %b %Y"),
            alt.Tooltip("answers:N"),
            alt.Tooltip("share:Q", format=".0%"),
        ],
    )
)
st.altair_chart(lines, width="stretch", alt=f"Share of questions refused or answered in part, per {period}")
download("Refusal and partial rates (CSV)", rates, f"outcomes-per-{period}")

st.subheader("What the guidance does not answer")
st.caption(
    "Refused or rated-down questions, grouped by meaning: the largest groups are the gaps to fill with new guidance."
)
threshold = st.slider(
    "How alike questions must be to share a group", 0.3, 0.95, DEFAULT_SIMILARITY, 0.05, key="ins_threshold"
)
try:
    clusters = cluster_questions(rows, lambda texts: vectors(tuple(texts), settings.embedding_model), threshold)
except AssistantError as exc:
    st.error(f"Questions cannot be grouped: {md_escape(str(exc))}")
    clusters = []
if not clusters:
    st.caption("No refused or rated-down questions in this period.")
else:
    gaps = [c.record(i + 1) for i, c in enumerate(clusters)]
    # Numbered, so two groups whose questions begin alike stay two bars.
    top = pd.DataFrame(
        [{"group": f"{g['cluster']}. {g['label'][:90]}", "questions": g["questions"]} for g in gaps[:TOP_GAPS]]
    )
    st.altair_chart(
        horizontal_bars(top, "group", ["questions"], "questions"),
        width="stretch",
        alt="The largest groups of refused or rated-down questions",
    )
    for n, c in enumerate(clusters[:TOP_GAPS], start=1):
        with st.expander(f"{n}. {c.count} × {md_escape(c.label[:120])}"):
            st.caption(f"{c.refused} refused · {c.rated_down} rated down · last asked {md_escape(c.latest[:10])}")
            for q, n in c.questions:
                st.markdown(f"- {md_escape(q)}" + (f" ({n} times)" if n > 1 else ""))
    download("Question groups (CSV)", gaps, "unanswered-question-groups")

st.subheader("Documents cited")
docs = document_citations(rows)
if not docs:
    st.caption("No answer in this period cites a document.")
else:
    frame = pd.DataFrame(docs).rename(columns={"cited": "answers citing it", "rated_down": "of those rated down"})
    st.altair_chart(
        horizontal_bars(frame, "title", ["answers citing it", "of those rated down"], "answers"),
        width="stretch",
        alt="Per document: answers citing it, and those rated down",
    )
    download("Documents cited (CSV)", docs, "documents-cited")
