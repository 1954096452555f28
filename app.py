"""The web app: `streamlit run app.py`. Routes between the chat and the editors' pages.

The pages are plain Streamlit scripts; each is a thin adapter over `Assistant` (see
`assistant/webui.py`). Declared here so the navigation reads "Chat", not the file name.
"""

from __future__ import annotations

import os

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

st.navigation(
    [
        st.Page("pages/0_Chat.py", title="Chat", icon=":material/chat:", default=True),
        st.Page("pages/1_Corpus.py", title="Corpus", icon=":material/folder_open:", url_path="Corpus"),
        st.Page("pages/2_Evaluation.py", title="Evaluation", icon=":material/fact_check:", url_path="Evaluation"),
    ]
).run()
