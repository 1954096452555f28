"""Streamlit rendering shared by `app.py` and the editor pages.

Everything that came from a document or a user is escaped for Markdown and never rendered
with `unsafe_allow_html`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import streamlit as st

from ..answer.currency import age_label, year_of
from ..core import Assistant
from ..settings import Settings
from ..storage.feedback import FeedbackStore
from ..types import Answer, Citation

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


@st.cache_resource
def _feedback(path: str) -> FeedbackStore:
    from pathlib import Path

    return FeedbackStore(Path(path))


def feedback_store() -> FeedbackStore:
    return _feedback(str(Settings.from_env().feedback_db))


def age_badge(published: str, approximate: bool) -> None:
    label = age_label(published, approximate)
    year = year_of(published)
    stale = time.gmtime().tm_year - year > Settings.from_env().stale_after_years if year is not None else False
    colour = "gray" if year is None else "orange" if stale else "green"
    st.badge(label, color=colour, icon=":material/calendar_month:")  # type: ignore[arg-type]


def answer_markdown(text: str) -> str:
    """The answer as Markdown, everything escaped; in a multi-part answer each part's ask
    (a paragraph's first line ending in "?") is shown in bold above its answer."""
    paragraphs = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        out = []
        for i, line in enumerate(lines):
            if line.startswith("- "):
                out.append("- " + md_escape(line[2:]))
            elif i == 0 and len(lines) > 1 and line.rstrip().endswith("?"):
                out.append(f"**{md_escape(line)}**  ")
            else:
                out.append(md_escape(line))
        paragraphs.append("\n".join(out))
    return "\n\n".join(paragraphs)


def stream_words(markdown: str) -> Iterator[str]:
    # The extractive answer exists whole; it is streamed without any artificial delay.
    yield from re.split(r"(\s+)", markdown)


def highlighted(passage: str, quote: str) -> str:
    """The passage with each quoted sentence highlighted, everything escaped."""
    parts = [q.strip() for q in quote.split(" … ") if q.strip()]
    spans = []
    for q in parts:
        at = passage.find(q)
        if at >= 0:
            spans.append((at, at + len(q)))
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        if s < pos:
            continue
        out.append(md_escape(passage[pos:s]))
        out.append(":orange-background[" + md_escape(passage[s:e]) + "]")
        pos = e
    out.append(md_escape(passage[pos:]))
    return "".join(out).replace("\n", "  \n")


def source_card(c: Citation) -> None:
    with st.container(border=True):
        st.markdown(f"**\\[{c.n}\\] {md_escape(c.title)}**")
        cols = st.columns([2, 3])
        with cols[0]:
            age_badge(c.published, c.approximate)
        with cols[1]:
            bits = [md_escape(c.publisher), md_escape(c.section)]
            if c.page is not None:
                bits.append(f"p\\. {c.page}")
            st.caption(" · ".join(bits))
        st.markdown("> " + md_escape(c.quote).replace("\n", "  \n> "))
        with st.expander("Full passage"):
            st.markdown(highlighted(c.text, c.quote))


def render_answer(answer: Answer, stream: bool = False) -> None:
    if answer.refused:
        st.info(md_escape(answer.text.split(" The nearest material")[0]), icon=":material/block:")
        if answer.nearest:
            st.markdown("**Nearest material in the corpus:**")
            for label in answer.nearest:
                st.markdown("- " + md_escape(label))
        return
    text = answer.text
    if answer.partial and "\n\n" in text:
        # A partial answer leads with one plain line saying the guidance may not answer it.
        lead, text = text.split("\n\n", 1)
        st.info(md_escape(lead), icon=":material/help:")
    body = answer_markdown(text)
    if stream:
        st.write_stream(stream_words(body))
    else:
        st.markdown(body)
    for note in answer.notices:
        st.warning(md_escape(note), icon=":material/history:")
    if answer.citations:
        st.markdown(f"**Sources ({len(answer.citations)})**")
        for c in answer.citations:
            source_card(c)


def answer_from_json(data: dict[str, Any]) -> Answer:
    return Answer(
        question=data["question"],
        text=data["answer"],
        refused=data["refused"],
        retrieved=[],
        citations=[Citation(**c) for c in data["citations"]],
        notices=data["notices"],
        nearest=data.get("nearest", []),
        outcome=data.get("outcome", ""),
    )
