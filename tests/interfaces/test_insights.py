"""The Insights figures (assistant/interfaces/insights.py) on a real SQLite database seeded through
FeedbackStore with a settable clock, and question groups made with the packaged model."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.interfaces.insights import (
    agglomerate,
    all_rows,
    cluster_questions,
    document_citations,
    outcome_rates,
    questions_per_period,
    to_csv,
)
from assistant.storage.db import Database
from assistant.storage.feedback import FeedbackStore
from assistant.types import Answer, Chunk, Citation, Embedder, Hit

KEY = "test-id-hash-key"
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SEPSIS = "What antibiotics should be given first for suspected sepsis?"


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def answer(question: str, docs: list[str], outcome: str = "answer") -> Answer:
    citations = [
        Citation(n, d, f"{d}.txt", f"Title of {d}", "BMA", "2012", "Why", 3, f"{d} passage", f"{d} quote")
        for n, d in enumerate(docs, start=1)
    ]
    chunk = Chunk("c1", docs[0] if docs else "nearest", "x.txt", "X", "BMA", "2012", "Why", 3, 0, 10, "passage")
    return Answer(
        question, f"answer to {question}", citations, outcome == "refuse", [Hit(1, chunk, 1.0)], outcome=outcome
    )


# (days after Monday, source, question, cited documents, outcome, rating)
SEEDS: list[tuple[int, str, str, list[str], str, int | None]] = [
    (0, "web", "what happens to my pension?", ["bmj"], "answer", 1),
    (0, "web", SEPSIS, [], "refuse", None),
    (0, "slack", "which antibiotic do I start in sepsis", [], "refuse", None),
    (2, "web", "how much annual leave do GPs in Scotland get?", ["bmj", "quick"], "partial", -1),
    (2, "slack", "how do I get on a CCG board?", ["quick"], "answer", -1),
    (2, "web", "first line antibiotics for sepsis?", [], "refuse", None),
    (7, "web", "what antibiotics should be given first for suspected sepsis", [], "refuse", None),
    (7, "web", "who chairs the CCG?", ["bmj"], "answer", None),
]


@pytest.fixture()
def store(tmp_path: Path) -> FeedbackStore:
    clock = Clock(MONDAY)
    s = FeedbackStore(Database(f"sqlite:///{tmp_path / 'insights.sqlite'}", id_hash_key=KEY, clock=clock))
    for days, source, question, docs, outcome, rating in SEEDS:
        clock.now = MONDAY + dt.timedelta(days=days, minutes=len(question))
        fid = s.save(answer(question, docs, outcome), source=source, user="U1" if source == "slack" else "")
        if rating is not None:
            s.rate(fid, rating)
    return s


@pytest.fixture()
def rows(store: FeedbackStore) -> list[dict[str, Any]]:
    return all_rows(store)


def test_all_rows_reads_every_page_in_the_range(store: FeedbackStore) -> None:
    everything = store.rows(limit=100)
    assert [r["id"] for r in all_rows(store, page_size=3)] == [r["id"] for r in everything]
    assert len(everything) == len(SEEDS)
    assert len(all_rows(store, page_size=3, cap=5)) == 5
    week_one = all_rows(store, since=MONDAY.date(), until=(MONDAY + dt.timedelta(days=6)).date(), page_size=2)
    assert len(week_one) == 6


def test_questions_per_day_and_week_by_source_with_quiet_days_as_zero(rows: list[dict[str, Any]]) -> None:
    per_day = questions_per_period(rows)
    assert [d["period"] for d in per_day] == [f"2026-03-{n:02d}" for n in range(2, 10)]
    by_day = {d["period"]: (d["web"], d["slack"], d["total"]) for d in per_day}
    assert by_day["2026-03-02"] == (2, 1, 3)
    assert by_day["2026-03-03"] == (0, 0, 0)
    assert by_day["2026-03-04"] == (2, 1, 3)
    assert by_day["2026-03-09"] == (2, 0, 2)
    per_week = questions_per_period(rows, "week")
    assert [(w["period"], w["web"], w["slack"]) for w in per_week] == [("2026-03-02", 4, 2), ("2026-03-09", 2, 0)]
    assert questions_per_period([], "day") == []
    with pytest.raises(ValueError, match="period"):
        questions_per_period(rows, "month")


def test_refusal_and_partial_rates_over_time(rows: list[dict[str, Any]]) -> None:
    rates = {r["period"]: r for r in outcome_rates(rows)}
    monday = rates["2026-03-02"]
    assert (monday["questions"], monday["answered"], monday["refused"], monday["partial"]) == (3, 1, 2, 0)
    assert monday["refusal_rate"] == pytest.approx(2 / 3, abs=1e-4) and monday["partial_rate"] == 0
    assert rates["2026-03-03"]["refusal_rate"] is None  # no questions: no rate, rather than 0
    wednesday = rates["2026-03-04"]
    assert wednesday["partial_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert wednesday["refusal_rate"] == pytest.approx(1 / 3, abs=1e-4)
    week = outcome_rates(rows, "week")
    assert [(w["questions"], w["refused"], w["partial"]) for w in week] == [(6, 3, 1), (2, 1, 0)]


def test_refused_and_rated_down_questions_grouped_by_meaning(rows: list[dict[str, Any]], minilm: Embedder) -> None:
    clusters = cluster_questions(rows, minilm.embed)
    sepsis = clusters[0]
    # Three wordings, one asked twice (case and "?" aside): one group of four, the largest.
    assert sepsis.count == 4 and sepsis.refused == 4 and sepsis.rated_down == 0
    assert [n for _, n in sepsis.questions] == [2, 1, 1]
    assert sepsis.label == "what antibiotics should be given first for suspected sepsis"  # the newest wording
    assert len(sepsis.feedback_ids) == 4
    rest = {c.label: (c.count, c.refused, c.rated_down) for c in clusters[1:]}
    # Rated down, though answered: gaps too. The pension answer, rated up, is not one.
    assert rest == {
        "how much annual leave do GPs in Scotland get?": (1, 0, 1),
        "how do I get on a CCG board?": (1, 0, 1),
    }
    # Nearly identical only: the sepsis wordings part, the repeated one stays together.
    strict = cluster_questions(rows, minilm.embed, threshold=0.99)
    assert [c.count for c in strict] == [2, 1, 1, 1, 1]
    record = sepsis.record(1)
    assert record["questions"] == 4 and "(2)" in record["wordings"] and record["cluster"] == 1
    assert cluster_questions([r for r in rows if r["outcome"] == "answer" and r["rating"] != -1], minilm.embed) == []


def test_agglomerate_merges_by_average_similarity() -> None:
    assert agglomerate(np.zeros((0, 3)), 0.5) == []
    v = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.0, 0.0]])
    assert agglomerate(v, 0.9) == [[0, 1], [2], [3]]
    assert agglomerate(v, -1.0) == [[0, 1, 2, 3]]


def test_documents_cited_and_rated_down(rows: list[dict[str, Any]]) -> None:
    docs = document_citations(rows)
    assert [d["doc_id"] for d in docs] == ["bmj", "quick"]
    bmj, quick = docs
    assert (bmj["title"], bmj["cited"], bmj["rated"], bmj["rated_down"], bmj["down_share"]) == (
        "Title of bmj",
        3,
        2,
        1,
        0.5,
    )
    assert (quick["cited"], quick["rated"], quick["rated_down"], quick["down_share"]) == (2, 2, 2, 1.0)
    assert document_citations(rows, {"quick": "Quick guide"})[1]["title"] == "Quick guide"
    unrated = document_citations([r for r in rows if r["rating"] is None])
    assert [(d["doc_id"], d["down_share"]) for d in unrated] == [("bmj", None)]


def test_csv_export_round_trips_and_defuses_formulas(rows: list[dict[str, Any]]) -> None:
    records = [*document_citations(rows), {"doc_id": '=HYPERLINK("http://x")', "title": "@SUM(A1)", "cited": -1}]
    text = to_csv(records, ["doc_id", "title", "cited", "down_share"])
    back = list(csv.DictReader(io.StringIO(text)))
    assert [r["doc_id"] for r in back] == ["bmj", "quick", '\'=HYPERLINK("http://x")']
    assert back[0]["down_share"] == "0.5" and back[2]["down_share"] == "" and back[2]["title"] == "'@SUM(A1)"
    assert back[2]["cited"] == "-1"  # numbers are numbers, not text to defuse
    assert to_csv([]) == "\n"
    assert to_csv(questions_per_period(rows)).splitlines()[0] == "period,web,slack,total"
