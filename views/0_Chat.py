"""The chat for doctors (the app's default page). A thin adapter over `Assistant.ask`."""

from __future__ import annotations

import os

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant import AssistantError, Filters, IndexMissingError
from assistant.answer.currency import age_label
from assistant.interfaces.webui import (
    answer_from_json,
    assistant,
    feedback_store,
    md_escape,
    render_answer,
)
from assistant.question import MAX_QUESTION_CHARS

st.set_page_config(page_title="Commissioning guidance", page_icon=":material/menu_book:", layout="wide")

try:
    bot = assistant()
    docs = bot.documents()
except IndexMissingError as exc:
    st.error(f"The guidance index is not built yet: {md_escape(str(exc))}. Run `make run` or `assistant ingest`.")
    st.stop()
except AssistantError as exc:
    st.error(md_escape(str(exc)))
    st.stop()

state = st.session_state
state.setdefault("messages", [])

with st.sidebar:
    st.header("Guidance corpus")
    for d in docs:
        # A document that names no publisher shows none (never a placeholder).
        facts = [md_escape(x) for x in (d.publisher, age_label(d.published, d.approximate)) if x]
        st.markdown(f"**{md_escape(d.title)}**  \n" + " · ".join([*facts, f"{d.chunks} passages"]))
    st.caption(f"Last ingested {md_escape(bot.last_ingested)}")
    chosen = st.multiselect(
        "Only these documents",
        options=[d.doc_id for d in docs],
        format_func=lambda i: next(d.title for d in docs if d.doc_id == i),
        key="doc_filter",
    )
    n_sources = st.slider("Passages the answer may draw on", 1, 5, 3, key="n_sources")
    if st.button("New conversation", icon=":material/refresh:", use_container_width=True):
        state.messages = []
        st.rerun()
    # The period the store's purge enforces (ASSISTANT_FEEDBACK_RETENTION_DAYS).
    st.caption(
        f"Questions and comments are kept for {feedback_store().db.retention_days} days; "
        "Slack user ids only as a keyed hash."
    )

st.title("Commissioning guidance for doctors")
st.caption(
    "Answers quote BMA and BMJ guidance on NHS commissioning, with numbered sources and their dates. "
    "The guidance predates the 2022 replacement of CCGs by integrated care boards."
)


def save_rating(index: int) -> None:
    msg = state.messages[index]
    value = state.get(f"fb_{index}")
    if value is None or msg.get("fid") is None:
        return
    feedback_store().rate(msg["fid"], 1 if value == 1 else -1, state.get(f"comment_{index}") or None)
    st.toast("Thank you for the feedback.")


def feedback_row(index: int) -> None:
    if state.messages[index].get("fid") is None:
        return  # small talk ("thanks!") is neither kept nor rated
    cols = st.columns([1, 5])
    with cols[0]:
        st.feedback("thumbs", key=f"fb_{index}", on_change=save_rating, args=(index,))
    with cols[1], st.popover("Add a comment", icon=":material/comment:"):
        st.text_area("What was wrong or right?", key=f"comment_{index}")
        st.button("Send", key=f"send_{index}", on_click=save_rating, args=(index,))


for i, msg in enumerate(state.messages):
    with st.chat_message(msg["role"]):
        if msg["role"] == "user":
            st.markdown(md_escape(msg["content"]))
        else:
            render_answer(answer_from_json(msg["answer"]))
            feedback_row(i)

# The same limit as Assistant.ask: the box stops there rather than refusing after sending.
question = st.chat_input("Ask about commissioning, e.g. how do I get on a CCG board?", max_chars=MAX_QUESTION_CHARS)
if question:
    history = [{"role": m["role"], "content": m["content"]} for m in state.messages]
    state.messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(md_escape(question))
    with st.chat_message("assistant"):
        try:
            with st.spinner("Searching the guidance…"):
                answer = bot.ask(question, history, Filters(tuple(chosen)) if chosen else None, passages=n_sources)
        except AssistantError as exc:
            st.error(md_escape(str(exc)))
            state.messages.pop()
            st.stop()
        render_answer(answer, stream=True)
        fid = None if answer.outcome == "no_question" else feedback_store().save(answer, history, source="web")
        payload = {
            **answer.to_json(),
            "citations": [c.to_record() for c in answer.citations],
            "question": question,
        }
        state.messages.append({"role": "assistant", "content": answer.text, "answer": payload, "fid": fid})
        feedback_row(len(state.messages) - 1)
