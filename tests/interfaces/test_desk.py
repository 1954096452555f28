"""The editors' desk (assistant/interfaces/desk.py) on a real SQLite database, the real index and
the real corpus: the sentences offered from a stored answer, the item built from them, validation
as `assistant eval validate` does it, the locked append raced by processes, and a run of the
feedback split."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings
from assistant.errors import DatasetError
from assistant.interfaces.cli import main
from assistant.interfaces.desk import (
    MAX_QUOTE_WORDS,
    Sentence,
    append_item,
    build_item,
    check_item,
    item_result,
    items_by_feedback,
    parse_key_facts,
    passages_for,
    run_split,
)
from assistant.storage.db import Database
from assistant.storage.feedback import FeedbackStore
from evals.dataset import check_dataset, parse_item, validate

KEY = "test-id-hash-key"
BOARD = "how do I get on a CCG board?"
NHS_JOBS = "Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs website."
GET_INVOLVED = "bma-get-involved-in-commissioning.txt"


@pytest.fixture()
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(Database(f"sqlite:///{tmp_path / 'desk.sqlite'}", id_hash_key=KEY))


@pytest.fixture()
def board_row(store: FeedbackStore, bot: Assistant) -> dict[str, Any]:
    """A real answer as the web chat stores it, rated down with a comment."""
    fid = store.save(bot.ask(BOARD), source="web")
    store.rate(fid, -1, "Should say where posts are advertised")
    row = store.get(fid)
    assert row is not None
    return row


def dataset(tmp_path: Path) -> Path:
    return tmp_path / "evals" / "datasets" / "feedback.jsonl"


def the_sentence(row: dict[str, Any], bot: Assistant, text: str) -> Sentence:
    return next(s for s in passages_for(row, bot.index.by_id).sentences if s.text == text)


def test_sentences_offered_come_from_the_cited_then_the_retrieved_passages(
    board_row: dict[str, Any], bot: Assistant, corpus_settings: Settings, tmp_path: Path
) -> None:
    choices = passages_for(board_row, bot.index.by_id)
    cited = [p for p in choices.passages if p.cited]
    assert cited and [p.cited for p in choices.passages] == sorted((p.cited for p in choices.passages), reverse=True)
    assert {p.doc_id for p in cited} == set(board_row["doc_ids"])
    assert any(not p.cited for p in choices.passages), "the retrieved passages not cited are offered too"
    # Each sentence is the passage's own words (whitespace aside), offered once, short enough to save.
    texts = {c["text"] for c in board_row["citations"]} | {
        bot.index.by_id[i].text for i in board_row["retrieved_chunk_ids"] if i in bot.index.by_id
    }
    flat = [" ".join(t.split()) for t in texts]
    sentences = choices.sentences
    assert all(any(s.text in t for t in flat) for s in sentences)
    assert len({s.text for s in sentences}) == len({s.key for s in sentences}) == len(sentences)
    assert all(len(s.text.split()) <= MAX_QUOTE_WORDS for s in sentences)
    assert NHS_JOBS in [s.text for s in sentences]
    assert choices.missing == 0

    # After a re-ingest an old chunk id names nothing: it is counted, not guessed at.
    stale = {**board_row, "retrieved_chunk_ids": ["no-such-chunk", *board_row["retrieved_chunk_ids"]]}
    assert passages_for(stale, bot.index.by_id).missing == 1

    # The first three sentences offered make an item the validator accepts (quotes in the corpus).
    item = build_item(
        board_row, editor="ana", evidence=sentences[:3], key_facts="CCG", answerable=True, category="fact"
    )
    assert check_item(item, dataset(tmp_path), corpus_settings.corpus_dir).errors == []


def test_the_item_records_the_editor_the_row_and_the_key_facts(
    board_row: dict[str, Any], bot: Assistant, store: FeedbackStore
) -> None:
    assert parse_key_facts("NHS Jobs | NHS Jobs website\n\n  contact your CCG  \n| \n") == [
        ["NHS Jobs", "NHS Jobs website"],
        ["contact your CCG"],
    ]
    at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    item = build_item(
        board_row,
        editor="ana",
        evidence=[the_sentence(board_row, bot, NHS_JOBS)],
        key_facts="NHS Jobs | NHS Jobs website",
        answerable=True,
        category="fact",
        made_at=at,
    )
    assert item["id"].startswith(f"fb-{board_row['id']}-how-do-i-get-on-a-ccg-board")
    assert item["question"] == BOARD and item["answerable"] is True and item["category"] == "fact"
    assert item["doc"] == GET_INVOLVED and item["evidence"] == [NHS_JOBS]
    assert item["key_facts"] == [["NHS Jobs", "NHS Jobs website"]]
    assert (item["made_by"], item["from_feedback"], item["made_at"]) == ("ana", board_row["id"], at.isoformat())
    assert "history" not in item
    parse_item(item, "new item")  # the dataset's own schema check
    for key, bad in (("from_feedback", "3"), ("from_feedback", True), ("made_by", 7)):
        with pytest.raises(DatasetError, match=f"field '{key}'"):
            parse_item({**item, key: bad}, "new item")

    # Unanswerable: no evidence, category unanswerable; a follow-up stays a follow-up.
    gap = build_item(board_row, editor="ana", evidence=[], key_facts="", answerable=False, category="fact")
    assert (gap["answerable"], gap["category"], gap["doc"], gap["evidence"], gap["key_facts"]) == (
        False,
        "unanswerable",
        None,
        [],
        [],
    )
    history = [{"role": "user", "content": BOARD}, {"role": "assistant", "content": "Contact your CCG."}]
    follow = store.get(store.save(bot.ask("and for SAS doctors?", history), history, source="slack", user="U1"))
    assert follow is not None
    item = build_item(follow, editor="ana", evidence=[], key_facts="", answerable=False, category="fact")
    assert item["category"] == "follow_up" and item["history"] == history
    parse_item(item, "new item")


def test_append_validates_as_eval_validate_does(
    board_row: dict[str, Any], bot: Assistant, corpus_settings: Settings, tmp_path: Path, capsys: Any, env_for: Any
) -> None:
    path, corpus = dataset(tmp_path), corpus_settings.corpus_dir
    env_for(corpus_settings)  # for `assistant eval validate`

    def item(evidence: list[Sentence], answerable: bool = True, **kw: Any) -> dict[str, Any]:
        return build_item(
            board_row,
            editor="ana",
            evidence=evidence,
            key_facts="NHS Jobs",
            answerable=answerable,
            category="fact",
            **kw,
        )

    invented = Sentence("x", "Every consultant is paid a bonus for sitting on the governing body.", "x", GET_INVOLVED)
    check = append_item(item([invented]), path, corpus)
    assert not check.added and len(check.errors) == 1
    assert "field 'evidence' quote not found in the corpus" in check.errors[0] and str(path) in check.errors[0]
    # Nothing is written, not even an empty file (an empty split would stop `assistant eval`).
    assert not path.exists()
    assert "1–3 evidence quotes" in append_item(item([]), path, corpus).errors[0]
    nhs = the_sentence(board_row, bot, NHS_JOBS)
    assert "no evidence and no key facts" in append_item(item([nhs], answerable=False), path, corpus).errors[0]
    assert not path.exists()

    first = append_item(item([nhs]), path, corpus)
    assert first.added and first.ok
    assert validate(path, corpus) == []
    assert main(["eval", "validate", str(path)]) == 0
    assert "1 items, all valid" in capsys.readouterr().out

    again = append_item(item([nhs]), path, corpus)
    assert not again.added and "duplicate id" in again.errors[0]
    assert len(path.read_text().splitlines()) == 1

    # A hand edit that dropped the final newline: the next item still gets a line of its own.
    path.write_text(path.read_text().rstrip("\n"))
    second = append_item(item([nhs], item_id="fb-board-again"), path, corpus)
    assert second.added
    check2 = check_dataset(path, corpus)
    assert check2.errors == [] and [i.id for i in check2.items] == [first_id(path), "fb-board-again"]
    assert items_by_feedback(path) == {board_row["id"]: [first_id(path), "fb-board-again"]}


def first_id(path: Path) -> str:
    return str(json.loads(path.read_text().splitlines()[0])["id"])


def _append_many(path: str, corpus: str, prefix: str, start: Any, results: Any) -> None:
    """One editor (a process) adding three items and then the item everyone adds."""
    start.wait()
    added = []
    for n in [*range(3), "race"]:
        item_id = f"{prefix}-{n}" if n != "race" else "fb-race"
        item = {
            "id": item_id,
            "question": f"where are CCG posts advertised ({prefix} {n})?",
            "answerable": True,
            "category": "fact",
            "doc": GET_INVOLVED,
            "evidence": [NHS_JOBS],
            "key_facts": [["NHS Jobs"]],
            "made_by": prefix,
            "from_feedback": 1,
            # Long lines: an unlocked append of several kilobytes is where writes would interleave.
            "history": [{"role": "user", "content": f"{prefix} " * 2000}],
        }
        added.append((item_id, append_item(item, Path(path), Path(corpus)).added))
    results.put(added)


def test_editors_appending_at_once_neither_interleave_nor_share_an_id(
    corpus_settings: Settings, tmp_path: Path
) -> None:
    path = dataset(tmp_path)
    ctx = multiprocessing.get_context("spawn")
    editors = ["ana", "ben", "cat", "dev"]
    start, results = ctx.Barrier(len(editors)), ctx.Queue()
    procs = [
        ctx.Process(target=_append_many, args=(str(path), str(corpus_settings.corpus_dir), e, start, results))
        for e in editors
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    added = [pair for outcome in outcomes for pair in outcome]
    assert sum(ok for item_id, ok in added if item_id == "fb-race") == 1
    assert all(ok for item_id, ok in added if item_id != "fb-race")
    lines = path.read_text().splitlines()
    assert len(lines) == 3 * len(editors) + 1
    assert all(json.loads(line)["made_by"] in editors for line in lines)
    check = check_dataset(path, corpus_settings.corpus_dir)
    assert check.errors == [] and len(check.items) == len(lines)


def test_running_the_feedback_split_gives_the_new_items_result(
    board_row: dict[str, Any], bot: Assistant, corpus_settings: Settings, tmp_path: Path
) -> None:
    path, runs = dataset(tmp_path), tmp_path / "runs"
    path.parent.mkdir(parents=True)
    path.write_text("")
    with pytest.raises(DatasetError, match="no valid items"):
        run_split(bot, path, runs)
    item = build_item(
        board_row,
        editor="ana",
        evidence=[the_sentence(board_row, bot, NHS_JOBS)],
        key_facts="NHS Jobs",
        answerable=True,
        category="fact",
    )
    assert append_item(item, path, corpus_settings.corpus_dir).added
    first = run_split(bot, path, runs)
    result = item_result(first.rows, item["id"])
    assert result is not None and result["scores"]["passed"], result and result["scores"]
    meta = json.loads((first.out / "metrics.json").read_text())["meta"]
    assert meta["dataset"] == str(path) and meta["items"] == 1
    assert (first.out / "results.jsonl").is_file() and (first.out / "report.html").is_file()
    # A second run (within the same second, even) gets a folder of its own.
    second = run_split(bot, path, runs)
    assert second.out != first.out and (second.out / "metrics.json").is_file()
    assert item_result(second.rows, "no-such-item") is None
