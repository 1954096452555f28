"""The Streamlit chat and editor pages, driven by Streamlit's AppTest (the real app script)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant import Settings
from assistant.storage.audit import ChangeLog
from assistant.storage.editors import EditorAccounts
from assistant.storage.feedback import FeedbackStore

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


@pytest.fixture()
def app(corpus_settings: Settings, env_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:  # type: ignore[no-untyped-def]
    # Feedback goes to a fresh data dir per test: same index (chroma path), own SQLite file.
    env_for(corpus_settings)
    monkeypatch.chdir(ROOT)
    return app_test()


def app_test() -> AppTest:
    """The real app.py, started from a one-line script outside the repository, so that every run
    goes through app.py and st.navigation as `streamlit run app.py` does. (The page scripts live
    in views/, not pages/: a folder named pages/ beside the main script switches Streamlit to its
    older folder routing, where a deep link runs a page without app.py and its sign-in.)"""
    return AppTest.from_string(
        f"import runpy\nrunpy.run_path({str(ROOT / 'app.py')!r}, run_name='__main__')\n", default_timeout=120
    )


def editor_page(name: str) -> str:
    return str(ROOT / "views" / name)


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
    assert at.chat_input[0].proto.max_chars == 2000  # Assistant.ask's limit, shown as the box's
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
    button(at.sidebar, "New conversation").click().run()
    assert at.session_state["messages"] == []


def test_refusal_looks_different(app: AppTest) -> None:
    at = app.run()
    at.chat_input[0].set_value("How much does a GP earn?").run()
    assert any("does not answer" in i.value for i in at.info)
    assert "Sources (" not in texts(at)


def _partial_replies() -> None:
    from assistant.interfaces.webui import render_answer
    from assistant.types import Answer

    lead = "The guidance touches on this but may not answer it directly."
    render_answer(Answer("q", f"{lead}\n\nOne passage says this.", [], False, [], outcome="partial", lead=lead))
    several = f"Who sits on the board?\n{lead} A hospital doctor.\n\nCan they be from our trust?\nNot covered."
    render_answer(Answer("q", several, [], False, [], outcome="partial"))


def test_a_partial_answer_shows_its_caveat_apart_and_each_part_under_its_ask() -> None:
    at = AppTest.from_function(_partial_replies).run()
    assert not at.exception
    # One caveat box, for the single-ask reply; the multi-part reply keeps its asks as headings.
    assert [i.value for i in at.info] == ["The guidance touches on this but may not answer it directly\\."]
    shown = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert "One passage says this." in shown and "touches on this" in shown
    assert "**Who sits on the board?**" in shown and "**Can they be from our trust?**" in shown


def test_thanks_gets_a_short_reply_without_sources_or_rating(app: AppTest) -> None:
    at = app.run()
    at.chat_input[0].set_value("thanks!").run()
    assert not at.exception
    reply = at.session_state["messages"][1]
    assert reply["fid"] is None and reply["answer"]["outcome"] == "no_question"
    assert "You're welcome" in texts(at) and "Sources (" not in texts(at)
    assert len(at.get("feedback")) == 0  # nothing to rate


def test_feedback_is_stored_in_the_database(app: AppTest, corpus_settings: Settings) -> None:
    at = app.run()
    at.chat_input[0].set_value("what happens to my pension?").run()
    assert len(at.get("feedback")) == 1
    fid = at.session_state["messages"][1]["fid"]
    at.session_state["comment_1"] = "Useful, but mention the CARE scheme"
    at.session_state["fb_1"] = 0  # thumbs down
    at.run()
    at.button(key="send_1").click().run()
    row = FeedbackStore.for_settings(corpus_settings).get(fid)
    assert row is not None and row["question"] == "what happens to my pension?" and row["rating"] == -1
    assert row["comment"] == "Useful, but mention the CARE scheme" and "bmj-guide" in row["doc_ids"]
    assert row["source"] == "web" and row["retrieved_chunk_ids"]


def test_document_text_is_never_rendered_as_html_or_markdown() -> None:
    from assistant.interfaces.webui import md_escape

    raw = "<script>alert(1)</script> [click](javascript:x) **bold** $x$"
    escaped = md_escape(raw)
    assert "<script>" not in escaped and "](" not in escaped and "**" not in escaped and "$x$" not in escaped
    assert "unsafe_allow_html" not in (ROOT / "app.py").read_text()
    for page in (ROOT / "views").glob("*.py"):
        assert "unsafe_allow_html" not in page.read_text()


@pytest.fixture()
def private(corpus_settings: Settings, env_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:  # type: ignore[no-untyped-def]
    """A corpus, index and editors' database of this test's own: the test adds editor accounts or
    changes the corpus. The ONNX export (90 MB, only read) is shared through a link."""
    corpus, data = tmp_path / "corpus", tmp_path / "var"
    shutil.copytree(corpus_settings.corpus_dir, corpus)
    # Not the shared database either: this test's editor accounts and changes are its own.
    skip = shutil.ignore_patterns("ingest.lock", "models", "assistant.sqlite*", "editors.sqlite*")
    shutil.copytree(corpus_settings.data_dir, data, ignore=skip)
    (data / "models").symlink_to(corpus_settings.data_dir / "models")
    settings = Settings(corpus_dir=corpus, data_dir=data)
    env_for(settings)
    monkeypatch.chdir(ROOT)
    return settings


def button(where, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in where.button if b.label == label)


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    next(t for t in at.sidebar.text_input if t.label == "Editor name").input(name)
    next(t for t in at.sidebar.text_input if t.label == "Password").input(password)
    return button(at.sidebar, "Sign in").click().run()


def refused(at: AppTest) -> bool:
    """The editor page stopped at its guard: nothing of the page below its title."""
    headings = [h.value for h in at.subheader]
    return not at.dataframe and "Add or replace a document" not in headings and not at.selectbox


def test_editor_pages_are_off_without_any_sign_in_configured(private: Settings) -> None:
    at = app_test().run()
    assert not at.exception
    assert any("Editor pages are off" in c.value for c in at.sidebar.caption)
    assert not any(b.label == "Sign in" for b in at.sidebar.button)
    at.switch_page(editor_page("1_Corpus.py")).run()
    assert not at.exception and refused(at)
    assert any("editor pages are off" in i.value for i in at.info)


def test_corpus_page_refused_signed_out_and_shown_after_signing_in(private: Settings) -> None:
    EditorAccounts.for_settings(private).add("ana", PASSWORD)
    at = app_test().run()
    assert not at.exception
    assert [e.label for e in at.sidebar.expander] == ["Editor sign-in"]
    # Ends on the Corpus page, where the sign-ins below happen.
    for path in (editor_page("2_Evaluation.py"), editor_page("1_Corpus.py")):
        at.switch_page(path).run()
        assert refused(at) and any("for content editors" in w.value for w in at.warning), path

    sign_in(at, "ana", "not the password")
    assert [e.value for e in at.sidebar.error] == ["Name or password is wrong."]
    sign_in(at, "nobody", PASSWORD)  # the same words for a name that does not exist
    assert [e.value for e in at.sidebar.error] == ["Name or password is wrong."]
    assert refused(at)

    sign_in(at, "ANA", PASSWORD)  # names are not case-sensitive
    assert not at.exception and not at.sidebar.error
    assert any("Signed in as editor" in c.value and "ana" in c.value for c in at.sidebar.caption)
    frame = at.dataframe[0].value
    assert len(frame) == 5 and bool(frame["indexed"].all())
    assert "Recent changes" in [h.value for h in at.subheader]
    at.switch_page(editor_page("2_Evaluation.py")).run()
    assert not at.exception and not any("for content editors" in w.value for w in at.warning)
    assert at.selectbox  # the dataset picker

    button(at.sidebar, "Sign out").click().run()
    assert refused(at) and not any("Signed in as" in c.value for c in at.sidebar.caption)


def test_sign_in_is_limited_after_repeated_failures(private: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_SIGNIN_MAX_FAILURES", "2")
    EditorAccounts.for_settings(private).add("ana", PASSWORD)
    at = app_test().run()
    sign_in(at, "ana", "wrong password one")
    sign_in(at, "ana", "wrong password two")
    sign_in(at, "ana", PASSWORD)  # right, but too late
    assert "Too many failed sign-ins" in at.sidebar.error[0].value
    assert not any("Signed in as" in c.value for c in at.sidebar.caption)


def test_removing_a_document_is_recorded_with_the_editor(private: Settings) -> None:
    EditorAccounts.for_settings(private).add("ana", PASSWORD)
    at = app_test().run()
    sign_in(at, "ana", PASSWORD)
    at.switch_page(editor_page("1_Corpus.py")).run()
    assert not at.exception and not at.table  # nothing recorded yet
    target = at.selectbox[0].options[0]
    at.selectbox[0].select(target)
    next(c for c in at.checkbox if c.label.startswith("I understand")).check()
    button(at, "Remove").click().run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 4
    changes = ChangeLog.for_settings(private).recent()
    assert [(c.editor, c.action) for c in changes] == [("ana", "ingest"), ("ana", "remove")]
    table = at.table[0].value
    assert list(table["editor"]) == ["ana", "ana"] and list(table["action"]) == ["ingest", "remove"]


def test_identity_provider_editors_come_from_the_allow_list(private: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_EDITOR_EMAILS", "Ed@Example.org, other@example.org")
    # st.user as Streamlit fills it after st.login when [auth] is configured.
    at = app_test()
    at.user = {"is_logged_in": True, "email": "ed@example.org", "email_verified": True, "name": "Ed"}
    at.run()
    assert any("ed@example.org" in c.value.replace("\\", "") for c in at.sidebar.caption)
    at.switch_page(editor_page("1_Corpus.py")).run()
    assert not at.exception and not refused(at)

    stranger = app_test()
    stranger.user = {"is_logged_in": True, "email": "eve@example.org", "name": "Eve"}
    stranger.run()
    assert any("not on the editors' list" in c.value for c in stranger.sidebar.caption)
    assert refused(stranger.switch_page(editor_page("1_Corpus.py")).run())

    unverified = app_test()
    unverified.user = {"is_logged_in": True, "email": "ed@example.org", "email_verified": False}
    unverified.run().switch_page(editor_page("1_Corpus.py")).run()
    assert refused(unverified)

    signed_out = app_test()
    signed_out.user = {"is_logged_in": False}
    signed_out.run()
    login = button(signed_out.sidebar, "Sign in with your organisation account").click().run()
    # This venv has no Authlib (and no secrets.toml): a clear message, not a crashed page.
    assert not login.exception
    assert "identity provider cannot be used" in login.sidebar.error[0].value
