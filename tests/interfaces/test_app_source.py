"""The source viewer page (views/3_Source.py) through the real app.py, driven by Streamlit's
AppTest: a PDF citation opened from an answer's source card at its page, a text section, and
links that name no corpus document."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from assistant import Settings

ROOT = Path(__file__).resolve().parents[2]


def app_test() -> AppTest:
    # As in test_app.py: the real app.py through st.navigation, from a script outside the repository.
    return AppTest.from_string(
        f"import runpy\nrunpy.run_path({str(ROOT / 'app.py')!r}, run_name='__main__')\n", default_timeout=120
    )


@pytest.fixture()
def app(corpus_settings: Settings, env_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:  # type: ignore[no-untyped-def]
    env_for(corpus_settings)
    monkeypatch.chdir(ROOT)
    return app_test()


def texts(at: AppTest) -> str:
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    return "\n".join(shown).replace("\\", "")


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def source_link(at: AppTest, doc_id: str) -> dict[str, str]:
    """The query of the first source card link to `doc_id` in the answer shown."""
    for m in at.markdown:
        found = re.search(r"\]\((Source\?[^)\s]+)\)", m.value)
        if found and f"doc={doc_id}&" in found.group(1):
            return {k: v[0] for k, v in parse_qs(found.group(1).split("?", 1)[1]).items()}
    raise AssertionError(f"no source link to {doc_id}")


def open_source(at: AppTest, params: dict[str, str]) -> AppTest:
    for k, v in params.items():
        at.query_params[k] = v
    return at.switch_page(str(ROOT / "views" / "3_Source.py")).run()


def test_source_view_opens_a_pdf_citation_at_its_page(app: AppTest) -> None:
    at = app.run()
    at.chat_input[0].set_value("how big are the pathfinder consortiums?").run()
    params = source_link(at, "bmj-guide")
    assert params["page"] == "4" and params["chunk"] and "pathfinder consortium" in params["q"]
    assert any("Open the source at page 4" in m.value for m in at.markdown)

    open_source(at, params)
    assert not at.exception, at.exception
    assert at.title[0].value == "BMJ Guide to Commissioning for Doctors in England"
    # Every sentence of the quote is on the cited page (the answer quotes three or four).
    shown = re.search(r"Page 4 of 19 · (\d) of (\d) quoted sentences highlighted on this page", texts(at))
    assert shown and shown.group(1) == shown.group(2)
    assert len(at.image) == 1  # the page image
    assert "The average pathfinder consortium" in texts(at)  # the quote as text too
    button(at, "Previous page").click().run()
    assert at.query_params["page"] == "3" and "Page 3 of 19 · 0 of" in texts(at)
    button(at, "Next page").click().run()
    button(at, "Next page").click().run()
    assert at.query_params["page"] == "5" and "Page 5 of 19" in texts(at)


def test_a_pdf_quote_from_a_piece_is_labelled_with_the_pieces_title_and_opens_at_its_page(app: AppTest) -> None:
    at = app.run()
    at.chat_input[0].set_value("consultant anaesth, worried GPs want pre-op assessments done at the surgery?").run()
    params = source_link(at, "bmj-guide")
    # The passage starts on page 6; the quote is on page 7, as the link and the card say.
    assert params["page"] == "7" and "pre-op" in params["q"]
    assert "What is good commissioning? › Pre-operative assessments · p. 7" in texts(at)  # the source card
    open_source(at, params)
    assert not at.exception, at.exception
    assert "What is good commissioning? › Pre-operative assessments" in texts(at)
    assert "Page 7 of 19" in texts(at)


def test_source_view_shows_a_text_section_with_the_passage_highlighted(app: AppTest) -> None:
    at = app.run()
    at.chat_input[0].set_value("how do I get on a CCG board?").run()
    params = source_link(at, "bma-get-involved")
    assert "page" not in params
    open_source(at, params)
    assert not at.exception, at.exception
    assert "Positions on the CCG" in at.subheader[0].value.replace("\\", "")
    highlighted = [m.value for m in at.markdown if ":orange-background[" in m.value]
    assert len(highlighted) == 1
    assert params["q"].split(" … ")[0][:40] in highlighted[0].replace("\\", "")


def test_source_view_refuses_what_is_not_a_corpus_document(app: AppTest) -> None:
    at = open_source(app.run(), {"doc": "../../etc/passwd"})
    assert not at.exception and "not a document id" in at.error[0].value
    assert not at.image
    at = open_source(app_test().run(), {"doc": "no-such-guide"})
    assert "No document with the id" in at.error[0].value.replace("\\", "")
    at = open_source(app_test().run(), {"doc": "bmj-guide", "page": "99"})
    assert "there is no page 99" in at.error[0].value
