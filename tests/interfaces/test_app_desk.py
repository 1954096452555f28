"""The Feedback and Insights editor pages, driven by Streamlit's AppTest through the real app.py,
on a database of the test's own seeded with real answers of the real index."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from assistant import Assistant, Settings
from assistant.storage.editors import EditorAccounts
from assistant.storage.feedback import FeedbackStore
from tests.interfaces.test_app import PASSWORD, app_test, button, editor_page, sign_in

BOARD = "how do I get on a CCG board?"
SEPSIS = "What antibiotics should be given first for suspected sepsis?"
PENSION = "what happens to my pension?"


@pytest.fixture()
def desk(
    corpus_settings: Settings, bot: Assistant, env_for: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The shared index, a database of this test's own with an editor and three stored answers,
    and an evaluation folder of its own (ASSISTANT_EVALS_DIR: the page writes
    datasets/feedback.jsonl and runs/ there)."""
    url = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    env_for(corpus_settings)
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", url)
    monkeypatch.setenv("ASSISTANT_ID_HASH_KEY", "test-id-hash-key")
    work = tmp_path / "work"
    (work / "evals").mkdir(parents=True)
    monkeypatch.setenv("ASSISTANT_EVALS_DIR", str(work / "evals"))
    settings = Settings.from_env()
    EditorAccounts.for_settings(settings).add("ana", PASSWORD)
    store = FeedbackStore.for_settings(settings)
    board = store.save(bot.ask(BOARD), source="web")
    store.rate(board, -1, "Should say where posts are advertised")
    sepsis = store.save(bot.ask(SEPSIS), source="slack", user="U0123")
    pension = store.save(bot.ask(PENSION), source="web")
    store.rate(pension, 1)
    return {"settings": settings, "store": store, "work": work, "board": board, "sepsis": sepsis, "pension": pension}


def open_page(page: str) -> AppTest:
    at = app_test().run()
    sign_in(at, "ana", PASSWORD)
    at.switch_page(editor_page(page)).run()
    assert not at.exception, at.exception
    return at


def listed(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["question"]) if at.dataframe else []


def choose(at: AppTest, label: str, option: str) -> AppTest:
    return next(s for s in at.selectbox if s.label == label).select(option).run()


def test_feedback_and_insights_are_for_editors_only(desk: dict[str, Any]) -> None:
    at = app_test().run()
    for page in ("4_Feedback.py", "5_Insights.py"):
        at.switch_page(editor_page(page)).run()
        assert not at.exception
        assert any("for content editors" in w.value for w in at.warning), page
        assert not at.dataframe and not at.get("vega_lite_chart")


def test_filter_make_an_item_from_a_thumbs_down_and_run_the_evaluation(desk: dict[str, Any]) -> None:
    at = open_page("4_Feedback.py")
    assert listed(at) == [PENSION, SEPSIS, BOARD]  # newest first
    table = at.dataframe[0].value
    assert list(table["source"]) == ["web", "slack", "web"]
    assert list(table["outcome"]) == ["answered", "refused", "answered"]
    assert "Should say where posts are advertised" in list(table["comment"])
    assert any("Get involved" in docs for docs in table["cited documents"])

    choose(at, "Source", "Slack")
    assert listed(at) == [SEPSIS]
    choose(at, "Source", "Web and Slack")
    choose(at, "Outcome", "Answered")
    assert listed(at) == [PENSION, BOARD]
    next(t for t in at.text_input if t.label.startswith("Search")).input("pension").run()
    assert listed(at) == [PENSION]
    next(t for t in at.text_input if t.label.startswith("Search")).input("").run()
    choose(at, "Outcome", "Any outcome")
    choose(at, "Cited document", "bmj-guide")
    assert listed(at) == [PENSION]
    choose(at, "Cited document", "")
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    next(d for d in at.date_input if d.label == "From").set_value(tomorrow).run()
    assert not listed(at) and any("No answers match" in i.value for i in at.info)
    next(d for d in at.date_input if d.label == "From").set_value(None).run()
    next(d for d in at.date_input if d.label == "To (inclusive)").set_value(tomorrow).run()
    assert len(listed(at)) == 3
    choose(at, "Rating", "Rated down (👎)")
    assert listed(at) == [BOARD]

    at.button(key=f"desk_make_{desk['board']}").click().run()
    assert not at.exception, at.exception
    assert f"Make an evaluation item from answer #{desk['board']}" in [h.value for h in at.subheader]
    evidence = [c for c in at.checkbox if c.key and c.key.startswith(f"desk_ev_{desk['board']}_")]
    assert len(evidence) > 5
    keys = {c.key for c in evidence}
    dataset = desk["work"] / "evals" / "datasets" / "feedback.jsonl"

    # Nothing ticked: the validator's words, and nothing written.
    button(at, "Add to the feedback split").click().run()
    assert any("1–3 evidence quotes" in e.value for e in at.error), [e.value for e in at.error]
    assert not dataset.exists()

    # Widgets are looked up afresh after each run (AppTest's elements belong to one run).
    next(c for c in at.checkbox if c.key in keys and "NHS Jobs website" in c.label).check()
    next(t for t in at.text_area if t.label.startswith("Key facts")).input("NHS Jobs | NHS Jobs website")
    button(at, "Add to the feedback split").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Added" in s.value for s in at.success)
    lines = dataset.read_text().splitlines()
    assert len(lines) == 1
    item = json.loads(lines[0])
    assert item["made_by"] == "ana" and item["from_feedback"] == desk["board"]
    assert item["evidence"] == [
        "Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs website."
    ]
    assert item["key_facts"] == [["NHS Jobs", "NHS Jobs website"]] and item["answerable"] is True
    assert any(item["id"] in c.value.replace("\\", "") for c in at.caption)  # listed with its answer

    button(at, "Run the evaluation on the feedback split").click().run()
    assert not at.exception, at.exception
    assert any(f"The new item {item['id']} passes" in s.value.replace("\\", "") for s in at.success)
    results = at.dataframe[-1].value
    assert list(results["id"]) == [item["id"]] and bool(results["passed"].iloc[0])
    runs = [p for p in (desk["work"] / "evals" / "runs").iterdir() if (p / "metrics.json").is_file()]
    assert len(runs) == 1


def test_an_unanswerable_item_from_a_refusal(desk: dict[str, Any]) -> None:
    at = open_page("4_Feedback.py")
    choose(at, "Outcome", "Refused")
    assert listed(at) == [SEPSIS]
    at.button(key=f"desk_make_{desk['sepsis']}").click().run()
    next(c for c in at.checkbox if c.label.startswith("The corpus does not answer")).check()
    button(at, "Add to the feedback split").click().run()
    assert not at.error, [e.value for e in at.error]
    item = json.loads((desk["work"] / "evals" / "datasets" / "feedback.jsonl").read_text())
    assert (item["answerable"], item["category"], item["evidence"], item["from_feedback"]) == (
        False,
        "unanswerable",
        [],
        desk["sepsis"],
    )
    button(at, "Close").click().run()
    assert not any(h.value.startswith("Make an evaluation item") for h in at.subheader)


def test_paging_through_older_answers(desk: dict[str, Any], bot: Assistant) -> None:
    store: FeedbackStore = desk["store"]
    board = bot.ask(BOARD)
    for _ in range(20):
        store.save(board, source="web")
    at = open_page("4_Feedback.py")
    assert len(listed(at)) == 20
    assert button(at, "Newer").disabled and not button(at, "Older").disabled
    button(at, "Older").click().run()
    assert listed(at) == [PENSION, SEPSIS, BOARD] and button(at, "Older").disabled
    button(at, "Newer").click().run()
    assert len(listed(at)) == 20


def test_insights_draws_its_charts_with_csv_downloads(desk: dict[str, Any], bot: Assistant) -> None:
    store: FeedbackStore = desk["store"]
    # A second wording of the refused question, rated down: one group of two.
    fid = store.save(bot.ask("which antibiotic do I start in sepsis"), source="web")
    store.rate(fid, -1)
    at = open_page("5_Insights.py")
    assert not at.exception, at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4
    specs = [c.proto.spec for c in charts]  # type: ignore[attr-defined]
    # Told apart by their axis titles and fields (st.bar_chart's series travel with the data).
    assert '"day"' in specs[0] and "share of questions" in specs[1]
    assert '"group"' in specs[2] and "answers citing it" in specs[3]
    assert [d.label for d in at.main.download_button] == [
        "Questions per period (CSV)",
        "Refusal and partial rates (CSV)",
        "Question groups (CSV)",
        "Documents cited (CSV)",
    ]
    assert any("4 answers" in c.value for c in at.caption)
    groups = [e.label for e in at.expander]
    assert groups[0].startswith("1. 2 × ") and "sepsis" in groups[0]
    next(r for r in at.radio if r.label == "Per").set_value("week").run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 4
    assert "Questions per week" in [h.value for h in at.subheader]


def test_the_chat_says_how_long_questions_are_kept(desk: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_FEEDBACK_RETENTION_DAYS", "30")
    at = app_test().run()
    assert not at.exception
    notice = [c.value for c in at.sidebar.caption if "kept for" in c.value]
    assert notice == ["Questions and comments are kept for 30 days; Slack user ids only as a keyed hash."]
