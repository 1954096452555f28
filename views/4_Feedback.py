"""Content editors: every answer shown on the web or in Slack, and evaluation items made from them.

A thin page over `assistant/interfaces/desk.py` (sentences to pick, the item, its validation and
locked append, the run of the feedback split) and `FeedbackStore.rows()` (the filtered list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from assistant import AssistantError, Settings
from assistant.interfaces.desk import (
    OUTCOME_LABELS,
    append_item,
    build_item,
    item_result,
    items_by_feedback,
    passages_for,
    run_split,
)
from assistant.interfaces.webauth import require_editor
from assistant.interfaces.webui import answer_markdown, assistant, feedback_store, md_escape
from assistant.storage.feedback import draft_item
from evals.dataset import CATEGORIES, FEEDBACK_SET
from evals.runner import load_run

PAGE_SIZE = 20
RATINGS: dict[str, int | None] = {"Any rating": None, "Rated down (👎)": -1, "Rated up (👍)": 1, "Not rated": 0}
OUTCOMES: dict[str, str | None] = {"Any outcome": None, "Answered": "answer", "Partial": "partial", "Refused": "refuse"}
SOURCES: dict[str, str | None] = {"Web and Slack": None, "Web": "web", "Slack": "slack"}
# Words in the table (plain text), icons in the row headings (Markdown).
RATING_WORDS = {1: "up", -1: "down", None: ""}
RATING_ICONS = {1: ":material/thumb_up:", -1: ":material/thumb_down:", None: ":material/remove:"}

st.set_page_config(page_title="Feedback", page_icon=":material/reviews:", layout="wide")
st.title("Feedback")
editor = require_editor()
settings = Settings.from_env()
# Where `assistant eval` and the Evaluation page find this split (ASSISTANT_EVALS_DIR).
DATASET = settings.evals_dir / "datasets" / FEEDBACK_SET.name
RUNS = settings.evals_dir / "runs"
state = st.session_state

try:
    titles = {d.doc_id: d.title for d in assistant().documents()}
except AssistantError:
    titles = {}  # the list still works without an index; making an item says why it cannot


def when(row: Mapping[str, Any]) -> str:
    return str(row["created_at"]).replace("T", " ").removesuffix("+00:00")[:16]


def choose(feedback_id: int) -> None:
    state["desk_row"] = feedback_id


def turn_page(step: int) -> None:
    state["desk_page"] = max(0, int(state.get("desk_page", 0)) + step)


# --- making an item ----------------------------------------------------------------------------


def item_maker(row: dict[str, Any]) -> None:
    fid = row["id"]
    st.subheader(f"Make an evaluation item from answer #{fid}")
    for kind, message in state.pop("desk_flash", []):
        (st.success if kind == "ok" else st.warning)(message)
    try:
        choices = passages_for(row, assistant().index.by_id)
    except AssistantError as exc:
        st.error(f"The index cannot be read: {md_escape(str(exc))}")
        return
    draft = draft_item(row)
    answerable_categories = sorted(CATEGORIES - {"unanswerable"})
    default = draft["category"] if draft["category"] in answerable_categories else "fact"
    with st.form(f"desk_item_{fid}"):
        c1, c2 = st.columns([2, 1])
        item_id = c1.text_input("Item id", value=draft["id"], key=f"desk_id_{fid}")
        category = c2.selectbox(
            "Category", answerable_categories, index=answerable_categories.index(default), key=f"desk_cat_{fid}"
        )
        st.markdown("**Evidence:** tick the 1–3 sentences that answer the question.")
        for p in choices.passages:
            bits = [md_escape(p.title), *([md_escape(p.section)] if p.section else [])]
            bits += [f"p\\. {p.page}"] if p.page is not None else []
            st.markdown(f"*{'Cited' if p.cited else 'Retrieved'}:* " + " · ".join(bits))
            for s in p.sentences:
                st.checkbox(md_escape(s.text), key=f"desk_ev_{fid}_{s.key}")
        notes = []
        if choices.missing:
            notes.append(f"{choices.missing} retrieved passage(s) are no longer in the index (re-ingested since)")
        if choices.too_long:
            notes.append(f"{choices.too_long} sentence(s) over 40 words are not offered (the dataset's limit)")
        if notes:
            st.caption("; ".join(notes) + ".")
        key_facts = st.text_area(
            "Key facts: one per line; alternative phrasings of a fact separated by |",
            key=f"desk_facts_{fid}",
            placeholder="NHS Jobs | NHS Jobs website\ncontact your CCG",
        )
        unanswerable = st.checkbox(
            "The corpus does not answer this (unanswerable: no evidence, no key facts)", key=f"desk_unans_{fid}"
        )
        submitted = st.form_submit_button("Add to the feedback split", type="primary")
    st.button("Close", key=f"desk_close_{fid}", on_click=lambda: state.pop("desk_row", None))
    if not submitted:
        return
    evidence = [s for s in choices.sentences if state.get(f"desk_ev_{fid}_{s.key}")]
    item = build_item(
        row,
        editor=editor,
        evidence=evidence,
        key_facts=key_facts,
        answerable=not unanswerable,
        category=category or default,
        item_id=item_id,
    )
    check = append_item(item, DATASET, settings.corpus_dir)
    if not check.ok:
        for w in check.warnings:
            st.warning(md_escape(w))
        st.error("Not added. " + md_escape(" ".join(check.errors)))
        return
    state["desk_made"] = item["id"]
    # Shown after the rerun that lists the new item with its answer.
    state["desk_flash"] = [("warning", md_escape(w)) for w in check.warnings] + [
        (
            "ok",
            f"Added {md_escape(item['id'])} to {md_escape(str(DATASET))}. Run the evaluation on the "
            "feedback split (below the list) to see its result.",
        )
    ]
    st.rerun()


# --- the list ----------------------------------------------------------------------------------

c1, c2, c3, c4 = st.columns(4)
rating = RATINGS[c1.selectbox("Rating", list(RATINGS), key="desk_rating")]
outcome = OUTCOMES[c2.selectbox("Outcome", list(OUTCOMES), key="desk_outcome")]
source = SOURCES[c3.selectbox("Source", list(SOURCES), key="desk_source")]
doc = c4.selectbox(
    "Cited document", ["", *titles], format_func=lambda d: titles.get(d, d) or "Any document", key="desk_doc"
)
c5, c6, c7 = st.columns([1, 1, 2])
since = c5.date_input("From", value=None, key="desk_since", format="YYYY-MM-DD")
until = c6.date_input("To (inclusive)", value=None, key="desk_until", format="YYYY-MM-DD")
text = c7.text_input("Search questions, answers and comments", key="desk_text")
filters = (rating, outcome, source, doc, str(since), str(until), text)
if state.get("desk_filters") != filters:
    # A new filter starts again from the newest answers.
    state["desk_filters"] = filters
    state["desk_page"] = 0
page = int(state.get("desk_page", 0))

try:
    found = feedback_store().rows(
        rating=rating,
        outcome=outcome,
        source=source,
        doc_id=doc or None,
        since=since if isinstance(since, dt.date) else None,
        until=until if isinstance(until, dt.date) else None,
        text=text.strip() or None,
        limit=PAGE_SIZE + 1,
        offset=page * PAGE_SIZE,
    )
except AssistantError as exc:
    st.error(md_escape(str(exc)))
    st.stop()
has_next, rows = len(found) > PAGE_SIZE, found[:PAGE_SIZE]
made = items_by_feedback(DATASET)

if not rows:
    st.info("No answers match these filters." if page == 0 else "No more answers.")
else:
    first = page * PAGE_SIZE + 1
    st.caption(f"Answers {first}–{first + len(rows) - 1}, newest first (times in UTC)")
    # A data frame shows cell text as text: nothing here is rendered as Markdown.
    st.dataframe(
        [
            {
                "id": r["id"],
                "when": when(r),
                "source": r["source"],
                "outcome": OUTCOME_LABELS.get(r["outcome"], r["outcome"]),
                "rating": RATING_WORDS.get(r["rating"], ""),
                "question": r["question"],
                "comment": r["comment"],
                "cited documents": ", ".join(titles.get(d, d) for d in r["doc_ids"]),
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )
    for r in rows:
        label = (
            f"{RATING_ICONS.get(r['rating'], '')} #{r['id']} · {when(r)} · {r['source']} · "
            f"{OUTCOME_LABELS.get(r['outcome'], r['outcome'])}: {md_escape(r['question'][:100])}"
        )
        # The item is made in the row's own expander, opened, where the editor clicked.
        with st.expander(label, expanded=r["id"] == state.get("desk_row")):
            for turn in r["history"]:
                st.caption(f"Earlier ({md_escape(str(turn['role']))}): {md_escape(str(turn['content'])[:300])}")
            st.markdown("**Question:** " + md_escape(r["question"]))
            st.markdown("**Answer:**")
            st.markdown(answer_markdown(r["answer"]))
            if r["comment"]:
                st.markdown("**Comment:** " + md_escape(r["comment"]))
            cited = [f"\\[{c['n']}\\] {md_escape(c['title'])}" for c in r["citations"]]
            st.markdown("**Cited:** " + ("; ".join(cited) if cited else "nothing"))
            if made.get(r["id"]):
                st.caption("Evaluation items made from it: " + md_escape(", ".join(made[r["id"]])))
            if r["id"] == state.get("desk_row"):
                item_maker(r)
            else:
                st.button(
                    "Make an evaluation item",
                    key=f"desk_make_{r['id']}",
                    icon=":material/playlist_add:",
                    on_click=choose,
                    args=(r["id"],),
                )
p1, p2, p3 = st.columns([1, 2, 1])
p1.button("Newer", key="desk_prev", disabled=page == 0, on_click=turn_page, args=(-1,))
p2.caption(f"Page {page + 1}")
p3.button("Older", key="desk_next", disabled=not has_next, on_click=turn_page, args=(1,))


# --- the feedback split ------------------------------------------------------------------------

st.subheader("The feedback split")
if not DATASET.is_file():
    st.caption(f"No items yet: make one from an answer above ({md_escape(str(DATASET))}).")
    st.stop()
if st.button("Run the evaluation on the feedback split", type="primary", icon=":material/play_arrow:"):
    bar = st.progress(0.0, text="Evaluating…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Evaluating {done}/{total}")

    try:
        run = run_split(assistant(), DATASET, RUNS, progress)
    except AssistantError as exc:
        st.error(md_escape(str(exc)))
    else:
        state["desk_run"] = str(run.out)
        for problem in run.skipped:
            st.warning("Skipped: " + md_escape(problem))
    bar.empty()

if state.get("desk_run"):
    try:
        results, metrics = load_run(Path(state["desk_run"]))
    except AssistantError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
    passed = sum(r["scores"]["passed"] for r in results)
    st.caption(f"Run {md_escape(Path(state['desk_run']).name)}: {passed} of {len(results)} items passed.")
    new_id = state.get("desk_made")
    result = item_result(results, new_id) if new_id else None
    if result is not None:
        why = ", ".join(result["scores"]["why"])
        outcome_label = OUTCOME_LABELS.get(result["outcome"], result["outcome"])
        if result["scores"]["passed"]:
            st.success(f"The new item {md_escape(result['id'])} passes ({outcome_label}).")
        else:
            st.error(f"The new item {md_escape(result['id'])} fails: {md_escape(why)} ({outcome_label}).")
        st.markdown("**Answer now:**")
        st.markdown(answer_markdown(result["answer"]))
    st.dataframe(
        [
            {
                "id": r["id"],
                "passed": bool(r["scores"]["passed"]),
                "outcome": OUTCOME_LABELS.get(r["outcome"], r["outcome"]),
                "why": ", ".join(r["scores"]["why"]),
                "question": r["question"],
            }
            for r in results
        ],
        hide_index=True,
        width="stretch",
    )
