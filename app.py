"""The web app: `streamlit run app.py`. Routes between the chat and the editors' pages.

The pages are plain Streamlit scripts; each is a thin adapter over `Assistant` (see
`assistant/interfaces/webui.py`). Declared here so the navigation reads "Chat", not the file name.
Doctors see only the chat; the editor pages appear once an editor signs in (`assistant/webauth.py`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.interfaces.webauth import editor_sidebar

# Absolute, so that the app also runs from a wrapper script elsewhere (the AppTests do).
PAGES = Path(__file__).resolve().parent / "views"
editor = editor_sidebar()
# Hidden rather than left out for everyone else: a typed URL still reaches the page, whose
# require_editor() guard then explains the refusal instead of Streamlit's "page not found".
editor_pages: Literal["visible", "hidden"] = "visible" if editor else "hidden"
st.navigation(
    [
        st.Page(PAGES / "0_Chat.py", title="Chat", icon=":material/chat:", default=True),
        # Every visitor may open a source (from a source card or a Slack link); it is reached by
        # those links, never chosen from the menu, so it is hidden there.
        st.Page(
            PAGES / "3_Source.py", title="Source", icon=":material/description:", url_path="Source", visibility="hidden"
        ),
        st.Page(
            PAGES / "1_Corpus.py",
            title="Corpus",
            icon=":material/folder_open:",
            url_path="Corpus",
            visibility=editor_pages,
        ),
        st.Page(
            PAGES / "2_Evaluation.py",
            title="Evaluation",
            icon=":material/fact_check:",
            url_path="Evaluation",
            visibility=editor_pages,
        ),
        st.Page(
            PAGES / "4_Feedback.py",
            title="Feedback",
            icon=":material/reviews:",
            url_path="Feedback",
            visibility=editor_pages,
        ),
        st.Page(
            PAGES / "5_Insights.py",
            title="Insights",
            icon=":material/insights:",
            url_path="Insights",
            visibility=editor_pages,
        ),
    ]
).run()
