"""The Streamlit chat and editor pages, driven by Streamlit's AppTest (the real app script)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def app(corpus_settings: Settings, env_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:  # type: ignore[no-untyped-def]
    # Feedback goes to a fresh data dir per test: same index (chroma path), own SQLite file.
    env_for(corpus_settings)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def texts(at: AppTest) -> str:
    """Everything shown as text, with Markdown escapes removed."""
    shown = (
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [w.value for w in at.warning]
        + [i.value for i in at.info]
    )
    return "\n".join(shown).replace("\\", "")


def test_ask_answer_with_sources_follow_up_and_new_conversation(app: AppTest) -> None:
    at = app.run()
    assert not at.exception
    assert "Get involved in commissioning" in "\n".join(m.value for m in at.sidebar.markdown)
    at.chat_input[0].set_value("how do I get on a CCG board?").run()
    assert not at.exception
    page = texts(at)
    assert "Positions on the CCG" in page  # the source card's section
    assert "Sources" in page and "integrated care boards" in page
    assert any("years old" in str(b.proto) for b in at.get("badge")) or "years old" in page
    at.chat_input[0].set_value("and what about SAS doctors?").run()
    assert len(at.session_state["messages"]) == 4
    assert at.session_state["messages"][2]["content"] == "and what about SAS doctors?"
    at.sidebar.button[0].click().run()
    assert at.session_state["messages"] == []


def test_refusal_looks_different(app: AppTest) -> None:
    at = app.run()
    at.chat_input[0].set_value("What antibiotics should be given first for suspected sepsis?").run()
    assert any("does not answer" in i.value for i in at.info)
    assert "Sources (" not in texts(at)


def test_feedback_is_stored_in_sqlite(app: AppTest, corpus_settings: Settings) -> None:
    at = app.run()
    at.chat_input[0].set_value("what happens to my pension?").run()
    fid = at.session_state["messages"][1]["fid"]
    at.session_state["comment_1"] = "Useful, but mention the CARE scheme"
    at.session_state["fb_1"] = 0  # thumbs down
    at.run()
    at.button(key="send_1").click().run()
    with sqlite3.connect(corpus_settings.feedback_db) as db:
        row = db.execute("SELECT question, rating, comment, citations FROM feedback WHERE id = ?", (fid,)).fetchone()
    assert row[0] == "what happens to my pension?" and row[1] == -1
    assert row[2] == "Useful, but mention the CARE scheme" and "bmj-guide" in row[3]


def test_document_text_is_never_rendered_as_html_or_markdown() -> None:
    from assistant.webui import md_escape

    raw = "<script>alert(1)</script> [click](javascript:x) **bold** $x$"
    escaped = md_escape(raw)
    assert "<script>" not in escaped and "](" not in escaped and "**" not in escaped and "$x$" not in escaped
    assert "unsafe_allow_html" not in (ROOT / "app.py").read_text()
    for page in (ROOT / "pages").glob("*.py"):
        assert "unsafe_allow_html" not in page.read_text()


def test_corpus_and_evaluation_pages_render(
    corpus_settings: Settings, env_for, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    env_for(corpus_settings)
    monkeypatch.chdir(ROOT)
    corpus = AppTest.from_file(str(ROOT / "pages" / "1_Corpus.py"), default_timeout=120).run()
    assert not corpus.exception
    frame = corpus.dataframe[0].value
    assert len(frame) == 5 and bool(frame["indexed"].all())
    evaluation = AppTest.from_file(str(ROOT / "pages" / "2_Evaluation.py"), default_timeout=120).run()
    assert not evaluation.exception
