"""The editors' desk without Streamlit: from a feedback row to an evaluation item, and its result.

`views/4_Feedback.py` is a thin page over these functions:

- `passages_for(row, chunks)`: the sentences an editor may tick as evidence, from the passages
  the answer cited (their text is stored with the feedback row) and the passages retrieved for
  it (read from the index by chunk id; an id that a re-ingest has since replaced is counted,
  not guessed at). Quotes are picked, never typed, so they are the index's own sentences.
- `build_item(...)`: the dataset line (evals/dataset.py's schema) with who made it and from
  which feedback row (`made_by`, `from_feedback`, `made_at`).
- `append_item(item, path, corpus_dir)`: validated exactly as `assistant eval validate` does
  (the file as it would be, through `check_dataset`, so duplicate ids count too) and appended
  only when valid, under a lock held from the check to the write: two editors adding items
  at once cannot interleave lines or both claim one id.
- `run_split(...)` and `item_result(...)`: the evaluation of the feedback split with evals'
  runner, written where the Evaluation page reads runs, and one item's row from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.dataset import check_dataset
from evals.runner import default_out, metrics_for, run_items, write_run

from ..core import Assistant
from ..errors import DatasetError
from ..retrieval.sentences import split_sentences
from ..storage.feedback import draft_item
from ..types import Chunk

# The dataset validator's longest evidence quote (evals/dataset.py): longer sentences are not
# offered, since an item quoting one could never be saved.
MAX_QUOTE_WORDS = 40
# Retrieved passages offered besides the cited ones: the answer's own top-k (ASSISTANT_TOP_K).
MAX_RETRIEVED = 10
OUTCOME_LABELS = {"answer": "answered", "partial": "partial", "refuse": "refused", "no_question": "no question"}


@dataclass(frozen=True)
class Sentence:
    """One sentence an editor may tick; `key` is stable across reruns (it names the checkbox)."""

    key: str
    text: str
    doc_id: str
    file: str


@dataclass(frozen=True)
class Passage:
    cited: bool
    doc_id: str
    file: str
    title: str
    section: str
    page: int | None
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class PassageChoices:
    passages: list[Passage]
    missing: int = 0  # retrieved chunk ids no longer in the index
    too_long: int = 0  # sentences over MAX_QUOTE_WORDS, not offered

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.passages for s in p.sentences]


def _sentence_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def passages_for(row: Mapping[str, Any], chunks: Mapping[str, Chunk]) -> PassageChoices:
    """The cited passages, then the retrieved ones not cited, each with its sentences; a
    sentence appears once, under the first passage that has it."""
    seen_text: set[str] = set()
    seen_sentences: set[str] = set()
    passages: list[Passage] = []
    too_long = 0

    def add(cited: bool, doc_id: str, file: str, title: str, section: str, page: int | None, text: str) -> None:
        nonlocal too_long
        if text in seen_text:
            return
        seen_text.add(text)
        sentences = []
        for start, end in split_sentences(text):
            sentence = " ".join(text[start:end].split())
            if sentence in seen_sentences:
                continue
            seen_sentences.add(sentence)
            if len(sentence.split()) > MAX_QUOTE_WORDS:
                too_long += 1
                continue
            sentences.append(Sentence(_sentence_key(sentence), sentence, doc_id, file))
        if sentences:
            passages.append(Passage(cited, doc_id, file, title, section, page, tuple(sentences)))

    for c in row.get("citations") or []:
        add(True, str(c["doc_id"]), str(c["file"]), str(c["title"]), str(c["section"]), c.get("page"), str(c["text"]))
    missing = 0
    for chunk_id in (row.get("retrieved_chunk_ids") or [])[:MAX_RETRIEVED]:
        chunk = chunks.get(chunk_id)
        if chunk is None:
            missing += 1
            continue
        add(False, chunk.doc_id, chunk.file, chunk.title, chunk.section, chunk.page, chunk.text)
    return PassageChoices(passages, missing, too_long)


def parse_key_facts(text: str) -> list[list[str]]:
    """One key fact per line; alternative phrasings of a fact separated by "|"."""
    facts = []
    for line in text.splitlines():
        alternatives = [a.strip() for a in line.split("|") if a.strip()]
        if alternatives:
            facts.append(alternatives)
    return facts


def build_item(
    row: Mapping[str, Any],
    *,
    editor: str,
    evidence: Sequence[Sentence],
    key_facts: str,
    answerable: bool,
    category: str,
    item_id: str | None = None,
    question: str | None = None,
    made_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """A dataset line for feedback `row`. An unanswerable item's category is `unanswerable`
    (`follow_up` when it continues a conversation), as in the dev and test sets; its `doc` is
    the files the evidence comes from."""
    draft = draft_item(dict(row))
    history = row.get("history") or []
    files = list(dict.fromkeys(s.file for s in evidence))
    item: dict[str, Any] = {
        "id": (item_id or draft["id"]).strip(),
        "question": (question or row["question"]).strip(),
        "answerable": answerable,
        "category": category if answerable else ("follow_up" if history else "unanswerable"),
        "doc": files[0] if len(files) == 1 else files or None,
        "evidence": [s.text for s in evidence],
        "key_facts": parse_key_facts(key_facts),
    }
    if history:
        item["history"] = history
    item["made_by"] = editor
    item["from_feedback"] = int(row["id"])
    item["made_at"] = (made_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    return item


@dataclass
class ItemCheck:
    """What the dataset validator says about one new item (empty `errors`: it can be added)."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@contextlib.contextmanager
def dataset_lock(path: Path) -> Iterator[None]:
    """Exclusive, across threads and processes, for everything that reads then appends `path`.

    The lock is on the dataset's folder rather than a lock file: nothing extra appears beside the
    datasets, and a failed attempt never leaves an empty feedback.jsonl (which `assistant eval`
    would refuse as a split with no items). flock locks belong to each open file description, so
    two Streamlit sessions (threads of one server) exclude each other as two processes do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _line_of(item: Mapping[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False)


def check_item(item: Mapping[str, Any], path: Path, corpus_dir: Path) -> ItemCheck:
    """Validate `item` as `assistant eval validate` would once it is appended to `path`: the
    schema, every evidence quote found in the corpus, and an id not already used there. Only the
    new line's problems are reported (an older line's belong to whoever wrote it)."""
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    number = len(existing.splitlines()) + 1
    with tempfile.TemporaryDirectory(prefix="desk-") as tmp:
        probe = Path(tmp) / path.name
        probe.write_text(existing + _line_of(item) + "\n", encoding="utf-8")
        check = check_dataset(probe, corpus_dir)
        here = (f"{probe}:{number}:", f"{probe}:{number} ")

        def mine(messages: list[str]) -> list[str]:
            return [m.replace(str(probe), str(path)) for m in messages if m.startswith(here)]

        return ItemCheck(mine(check.errors), mine(check.warnings))


def append_item(item: Mapping[str, Any], path: Path, corpus_dir: Path) -> ItemCheck:
    """Check `item` and, when valid, append it to `path` as one line, all under `dataset_lock`."""
    with dataset_lock(path):
        check = check_item(item, path, corpus_dir)
        if not check.ok:
            return check
        data = (_line_of(item) + "\n").encode("utf-8")
        if path.is_file() and path.stat().st_size:
            with open(path, "rb") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    # A hand-edited file without a final newline: the new item gets its own line.
                    data = b"\n" + data
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        check.added = True
        return check


def items_by_feedback(path: Path) -> dict[int, list[str]]:
    """The ids of items already made from each feedback row (lines that do not parse are
    skipped: this is a hint on the page, the validator is the judge)."""
    out: dict[int, list[str]] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            raw = json.loads(line)
        except ValueError:
            continue
        if isinstance(raw, dict) and isinstance(raw.get("from_feedback"), int) and isinstance(raw.get("id"), str):
            out.setdefault(raw["from_feedback"], []).append(raw["id"])
    return out


# --- running the split ---------------------------------------------------------------------


@dataclass(frozen=True)
class SplitRun:
    out: Path
    rows: list[dict[str, Any]]
    metrics: dict[str, Any]
    skipped: list[str]  # problems of lines that were not run


def _previous_run(runs_dir: Path, dataset: Path) -> Path | None:
    """The latest earlier run of the same dataset, the baseline for the report (a run of the dev
    set is no baseline for the feedback split)."""
    found = None
    for run in sorted(p for p in runs_dir.glob("*") if (p / "metrics.json").is_file()):
        try:
            meta = json.loads((run / "metrics.json").read_text(encoding="utf-8")).get("meta", {})
        except (OSError, ValueError):
            continue
        if Path(str(meta.get("dataset", ""))).resolve() == dataset.resolve():
            found = run
    return found


def run_split(
    bot: Assistant,
    dataset: Path,
    runs_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> SplitRun:
    """Evaluate every valid item of `dataset` as `assistant eval` does and write the run to a new
    folder of `runs_dir` (results.jsonl, metrics.json, report.html)."""
    check = check_dataset(dataset, bot.settings.corpus_dir)
    if not check.items:
        raise DatasetError(f"{dataset}: no valid items to run" + (f" ({check.errors[0]})" if check.errors else ""))
    retriever = bot.settings.retriever
    rows = run_items(bot, check.items, retriever, progress)
    metrics = metrics_for(rows)
    meta = {"dataset": str(dataset), "retriever": retriever, "items": len(check.items), "skipped": check.skipped}
    baseline = _previous_run(runs_dir, dataset) if runs_dir.is_dir() else None
    # Folders are named to the second: a second run within it gets its own folder.
    base = default_out(runs_dir)
    out, n = base, 1
    while out.exists():
        n += 1
        out = base.with_name(f"{base.name}-{n}")
    write_run(out, rows, metrics, meta, baseline)
    return SplitRun(out, rows, metrics, check.errors)


def item_result(rows: Sequence[Mapping[str, Any]], item_id: str) -> Mapping[str, Any] | None:
    return next((r for r in rows if r.get("id") == item_id), None)
