"""Streamlit rendering shared by `app.py` and the editor pages.

Everything that came from a document or a user is escaped for Markdown and never rendered
with `unsafe_allow_html`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from typing import Any

import streamlit as st

from ..answer.currency import age_label, year_of
from ..answer.format import markup
from ..core import Assistant
from ..errors import AssistantError
from ..generation.generate import mode_caption
from ..settings import Settings
from ..storage.feedback import FeedbackStore
from ..types import Answer, Citation
from .sourceview import chunk_for, find_spans, shown_quote, source_url

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md_escape(text: str) -> str:
    """Render `text` literally in st.markdown: no links, emphasis, HTML or LaTeX from a document."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@st.cache_resource(show_spinner="Loading the guidance index and the language model…")
def _assistant(corpus_dir: str, data_dir: str, chroma_url: str) -> Assistant:
    # Keyed by the locations so a test or a second configuration gets its own instance;
    # loaded once per server process, not per rerun.
    settings = Settings.from_env()
    a = Assistant(settings)
    a.warm()
    return a


def assistant() -> Assistant:
    s = Settings.from_env()
    return _assistant(str(s.corpus_dir), str(s.data_dir), s.chroma_url)


def feedback_store() -> FeedbackStore:
    # Not cached: cheap to make (the database engine and schema are made once per process).
    return FeedbackStore.for_settings(Settings.from_env())


def age_badge(published: str, approximate: bool) -> None:
    label = age_label(published, approximate)
    year = year_of(published)
    stale = time.gmtime().tm_year - year > Settings.from_env().stale_after_years if year is not None else False
    colour = "gray" if year is None else "orange" if stale else "green"
    st.badge(label, color=colour, icon=":material/calendar_month:")  # type: ignore[arg-type]


def answer_markdown(text: str) -> str:
    """The answer as Markdown, everything escaped; in a multi-part answer each part's ask is
    shown in bold above its answer."""
    return markup(text, item=lambda s: "- " + md_escape(s), ask=lambda s: f"**{md_escape(s)}**  ", plain=md_escape)


def stream_words(markdown: str) -> Iterator[str]:
    # The extractive answer exists whole; it is streamed without any artificial delay.
    yield from re.split(r"(\s+)", markdown)


def highlight_markdown(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` as Markdown with `spans` (sorted, not overlapping) highlighted, everything escaped."""
    out, pos = [], 0
    for s, e in spans:
        if s < pos:
            continue
        out.append(md_escape(text[pos:s]))
        out.append(":orange-background[" + md_escape(text[s:e]) + "]")
        pos = e
    out.append(md_escape(text[pos:]))
    return "".join(out).replace("\n", "  \n")


def highlighted(passage: str, quote: str) -> str:
    """The passage with each quoted sentence highlighted, everything escaped."""
    return highlight_markdown(passage, find_spans(passage, quote))


def _chunk_id(c: Citation) -> str | None:
    # A citation carries its passage's text, not its id; the id makes the viewer's link exact.
    try:
        found = chunk_for(assistant().index.chunks, c.doc_id, c.text)
    except AssistantError:
        return None
    return found.chunk_id if found else None


def source_card(c: Citation) -> None:
    with st.container(border=True):
        st.markdown(f"**\\[{c.n}\\] {md_escape(c.title)}**")
        cols = st.columns([2, 3])
        with cols[0]:
            age_badge(c.published, c.approximate)
        with cols[1]:
            # No publisher is shown rather than a placeholder when the document names none.
            bits = [md_escape(b) for b in (c.publisher, c.section) if b]
            if c.page is not None:
                bits.append(f"p\\. {c.page}")
            st.caption(" · ".join(bits))
        st.markdown("> " + md_escape(shown_quote(c.text, c.quote)).replace("\n", "  \n> "))
        with st.expander("Full passage"):
            st.markdown(highlighted(c.text, c.quote))
        # A plain link (it opens in a new tab) to the viewer, so the chat stays as it was.
        label = f"Open the source at page {c.page}" if c.page is not None else "Open the source at this passage"
        st.markdown(f":material/open_in_new: [{md_escape(label)}]({source_url(c, _chunk_id(c))})")


def render_answer(answer: Answer, stream: bool = False) -> None:
    if answer.outcome == "no_question":
        st.markdown(md_escape(answer.text))
        return
    if answer.refused:
        st.info(md_escape(answer.lead or answer.text), icon=":material/block:")
        if answer.nearest:
            st.markdown("**Nearest material in the corpus:**")
            for label in answer.nearest:
                st.markdown("- " + md_escape(label))
        return
    if answer.lead:
        # A partial answer leads with one plain line saying the guidance may not answer it.
        st.info(md_escape(answer.lead), icon=":material/help:")
    body = answer_markdown(answer.body)
    if stream:
        st.write_stream(stream_words(body))
    else:
        st.markdown(body)
    st.caption(answer_origin(answer))
    for note in answer.notices:
        st.warning(md_escape(note), icon=":material/history:")
    if answer.citations:
        st.markdown(f"**Sources ({len(answer.citations)})**")
        for c in answer.citations:
            source_card(c)


def answer_origin(answer: Answer) -> str:
    """Where the answer's words came from ("Quoted from the sources", or "Generated by MODEL,
    checked against the sources") and, on a fallback, why; escaped (a server names the model)."""
    return md_escape(mode_caption(answer.mode, answer.model, answer.fallback_reason))


def answer_from_json(data: dict[str, Any]) -> Answer:
    return Answer(
        question=data["question"],
        text=data["answer"],
        refused=data["refused"],
        retrieved=[],
        citations=[Citation(**c) for c in data["citations"]],
        notices=data["notices"],
        nearest=data.get("nearest", []),
        lead=data.get("lead", ""),
        outcome=data.get("outcome", ""),
        mode=data.get("mode", "extractive"),
        model=data.get("model", ""),
        fallback_reason=data.get("fallback_reason", ""),
    )
