"""The source viewer (every visitor): a cited document opened at the cited place.

Reached from a source card in the chat, or a Slack answer's link, as
`Source?doc=ID&page=N&chunk=CHUNK_ID&q=QUOTE` (built by `sourceview.source_url`). A PDF shows the
page as an image with the quoted sentences highlighted, with the previous and next pages a click
away; a text or web document shows the section with the cited passage and its quote
highlighted. Only documents in the index are opened, and only from the corpus folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant import AssistantError, IndexMissingError, Settings
from assistant.answer.currency import age_label
from assistant.interfaces.pdfpage import PdfPage, quote_page, render_pdf_page
from assistant.interfaces.sourceview import (
    MAX_QUOTE_CHARS,
    PDF_SUFFIXES,
    SourceError,
    cited_chunk,
    document_files,
    document_path,
    parse_page,
    quote_parts,
    text_section,
)
from assistant.interfaces.webui import assistant, highlight_markdown, md_escape

st.set_page_config(page_title="Source · Commissioning guidance", page_icon=":material/menu_book:", layout="wide")


@st.cache_data(max_entries=64, show_spinner=False)
def _page(path: str, mtime_ns: int, number: int, quote: str) -> PdfPage:
    # Keyed by the file's modification time too, so a replaced document is rendered afresh.
    return render_pdf_page(Path(path), number, quote)


def _go_to(page: int) -> None:
    st.query_params["page"] = str(page)
    state[_BROWSING] = True  # from now on the page asked for is the page shown


state = st.session_state
# Set once the visitor turns a page; until then a link's page may be corrected to the quote's.
_BROWSING = "_source_browsing"


params = st.query_params
doc_id = params.get("doc", "").strip()
chunk_id = params.get("chunk", "").strip() or None
quote = params.get("q", "")[:MAX_QUOTE_CHARS]
wanted_page = parse_page(params.get("page"))

try:
    chunks = assistant().index.chunks
    path = document_path(Settings.from_env().corpus_dir, doc_id, document_files(chunks))
    cited = cited_chunk(chunks, doc_id, chunk_id, quote)
except IndexMissingError as exc:
    st.error(f"The guidance index is not built yet: {md_escape(str(exc))}.")
    st.stop()
except SourceError as exc:
    st.title("Source not found")
    st.error(md_escape(str(exc)), icon=":material/error:")
    st.markdown("[Back to the chat](./)")
    st.stop()
except AssistantError as exc:
    st.error(md_escape(str(exc)))
    st.stop()

st.title(md_escape(cited.title))
is_pdf = path.suffix.lower() in PDF_SUFFIXES
# A text document shows its section as a heading below; a PDF page has no such heading.
# The piece the quote is from, as its citation names it ("... › Pre-operative assessments").
facts = [cited.publisher, age_label(cited.published, cited.approximate), cited.section_of(quote) if is_pdf else ""]
st.caption(" · ".join(md_escape(x) for x in facts if x))

if is_pdf:
    number = wanted_page or cited.page or 1
    if not state.get(_BROWSING):
        # Opened from a link: at the page where the quote starts, which may follow the page
        # its passage starts on.
        number = quote_page(path, number, quote)
    try:
        page = _page(str(path), path.stat().st_mtime_ns, number, quote)
    except SourceError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        st.stop()
    cols = st.columns([1, 2, 1], vertical_alignment="center")
    with cols[0]:
        st.button(
            "Previous page",
            icon=":material/chevron_left:",
            disabled=page.number <= 1,
            on_click=_go_to,
            args=(page.number - 1,),
            width="stretch",
        )
    with cols[1]:
        where = f"Page {page.number} of {page.count}"
        if page.parts:
            where += f" · {page.found} of {page.parts} quoted sentences highlighted on this page"
        st.markdown(md_escape(where), text_alignment="center")
    with cols[2]:
        st.button(
            "Next page",
            icon=":material/chevron_right:",
            disabled=page.number >= page.count,
            on_click=_go_to,
            args=(page.number + 1,),
            width="stretch",
        )
    alt = f"Page {page.number} of {cited.title}" + (
        ", with the quoted sentences highlighted in yellow" if page.boxes else ""
    )
    st.image(page.png, alt=alt, width=900)
    parts = quote_parts(quote)
    if parts:
        # The quote as text too, not only highlighted in an image: a screen reader reads this.
        st.markdown("**Quoted in the answer**  \n" + "\n".join("> " + md_escape(p) + "  " for p in parts))
else:
    try:
        section = text_section(chunks, doc_id, cited.chunk_id, quote)
    except SourceError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        st.stop()
    st.subheader(section.section or section.title)
    for passage in section.passages:
        if passage.cited:
            with st.container(border=True):
                st.caption("The cited passage, with the quoted sentences highlighted")
                st.markdown(highlight_markdown(passage.text, passage.spans))
        else:
            st.markdown(highlight_markdown(passage.text, []))

st.markdown("[Back to the chat](./)")
