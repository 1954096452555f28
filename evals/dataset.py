"""The evaluation dataset format (JSONL) and its validation."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import DatasetError

from .metrics import normalise_text

CATEGORIES = {
    "fact",
    "paraphrase",
    "numeric",
    "multi_doc",
    "list",
    "unanswerable",
    "follow_up",
    # Two or three asks in one question; "can I / should I"; terse Slack-style messages.
    "multi_part",
    "yes_no",
    "slack",
    # Typed as into a search box: a word or a few ("pensions", "csu numbers") or a bare short
    # question, on or off the corpus's subject.
    "short",
}
DATASETS = Path(__file__).parent / "datasets"
DEV_SET = DATASETS / "dev.jsonl"
# Written from the documents alone, by personas, before the answer path was tuned: never tuned on.
TEST_SET = DATASETS / "test.jsonl"
# Further unseen splits, each written later by another author from the documents alone (never
# tuned on, checked like the test split): `holdout-c.jsonl`, ...
HOLDOUT_GLOB = "holdout-*.jsonl"
# Items editors make from feedback in the web app.
FEEDBACK_SET = DATASETS / "feedback.jsonl"
SHORT_QUOTE = 8


def default_datasets(folder: Path = DATASETS) -> list[Path]:
    """The splits `assistant eval` runs when none is named: dev, then test, the holdouts and
    feedback if present (in `folder`: ASSISTANT_EVALS_DIR's datasets/)."""
    holdouts = sorted(folder.glob(HOLDOUT_GLOB))
    named = (folder / DEV_SET.name, folder / TEST_SET.name, *holdouts, folder / FEEDBACK_SET.name)
    return [p for p in named if p.name == DEV_SET.name or p.is_file()]


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    answerable: bool
    category: str
    doc: Any
    evidence: list[str]
    key_facts: list[list[str]]
    history: list[dict[str, str]] = field(default_factory=list)
    persona: str = ""


def _check(cond: bool, where: str, msg: str) -> None:
    if not cond:
        raise DatasetError(f"{where}: {msg}")


# Every field the evaluation reads (the Feedback page adds the last three).
FIELDS = (
    "id",
    "question",
    "answerable",
    "category",
    "doc",
    "evidence",
    "key_facts",
    "history",
    "persona",
    "made_by",
    "from_feedback",
    "made_at",
)
_KINDS = {str: "text", bool: "true or false"}


def parse_item(raw: Any, where: str, warnings: list[str] | None = None) -> Item:
    """One validated item; raises DatasetError naming `where` (with the item's id when it has
    one) and the field. Quotes shorter than SHORT_QUOTE words (a list item, say) are accepted
    with a note in `warnings`."""
    _check(isinstance(raw, dict), where, "each line must be a JSON object")
    if isinstance(raw.get("id"), str) and raw["id"]:
        where = f"{where} (id {raw['id']!r})"
    # Editors may annotate items with fields of their own; a misspelt one is named, since its
    # value is read as missing ("key_fcts": an item scored with no key facts).
    for key in raw:
        near = difflib.get_close_matches(key, FIELDS, n=1, cutoff=0.75) if key not in FIELDS else []
        if near and warnings is not None:
            warnings.append(f"{where}: unknown field '{key}' is not read (did you mean '{near[0]}'?)")
    for key, kind in (("id", str), ("question", str), ("answerable", bool), ("category", str)):
        _check(key in raw, where, f"field '{key}' is required ({_KINDS[kind]})")
        _check(isinstance(raw[key], kind), where, f"field '{key}' must be {_KINDS[kind]}, not {raw[key]!r}")
    _check(bool(raw["question"].strip()), where, "field 'question' is empty")
    _check(raw["category"] in CATEGORIES, where, f"field 'category' must be one of {sorted(CATEGORIES)}")
    evidence = raw.get("evidence", [])
    _check(
        isinstance(evidence, list) and all(isinstance(e, str) for e in evidence),
        where,
        "field 'evidence' must be a list of strings",
    )
    key_facts = raw.get("key_facts", [])
    _check(
        isinstance(key_facts, list)
        and all(isinstance(k, list) and k and all(isinstance(p, str) and p.strip() for p in k) for k in key_facts),
        where,
        "field 'key_facts' must be a list of non-empty lists of phrasings",
    )
    history = raw.get("history", []) or []
    _check(
        isinstance(history, list)
        and all(
            isinstance(t, dict) and t.get("role") in {"user", "assistant"} and isinstance(t.get("content"), str)
            for t in history
        ),
        where,
        'field \'history\' must be a list of {"role": "user"|"assistant", "content": str}',
    )
    doc = raw.get("doc")
    _check(
        doc is None or isinstance(doc, str) or (isinstance(doc, list) and all(isinstance(d, str) for d in doc)),
        where,
        "field 'doc' must be a file name, a list of file names or null",
    )
    if raw["answerable"]:
        _check(1 <= len(evidence) <= 3, where, "an answerable item needs 1–3 evidence quotes")
        _check(bool(key_facts), where, "an answerable item needs at least one key fact (field 'key_facts')")
        for q in evidence:
            n = len(q.split())
            _check(n >= 1 and n <= 40, where, f"field 'evidence' quote has {n} words (at most 40): {q[:60]!r}")
            if n < SHORT_QUOTE and warnings is not None:
                warnings.append(f"{where}: field 'evidence' quote has only {n} words (8 or more match reliably): {q!r}")
    else:
        _check(not evidence and not key_facts, where, "an unanswerable item has no evidence and no key facts")
    persona = raw.get("persona", "")
    _check(isinstance(persona, str), where, "field 'persona' must be a string")
    # Optional: items made on the Feedback page say who made them and from which stored answer.
    _check(isinstance(raw.get("made_by", ""), str), where, "field 'made_by' must be a string")
    source_row = raw.get("from_feedback")
    _check(
        source_row is None or (isinstance(source_row, int) and not isinstance(source_row, bool)),
        where,
        "field 'from_feedback' must be a feedback id (an integer)",
    )
    return Item(
        raw["id"], raw["question"], raw["answerable"], raw["category"], doc, evidence, key_facts, history, persona
    )


def load_dataset(path: Path) -> list[Item]:
    """Every item of `path`; the first problem (line, id, field) is raised as DatasetError."""
    check = check_dataset(path)
    if check.errors:
        raise DatasetError(check.errors[0])
    if not check.items:
        raise DatasetError(f"{path}: the dataset has no items")
    return check.items


def corpus_texts(corpus_dir: Path) -> dict[str, str]:
    """Each corpus file's text as the assistant indexes it, normalised for quote matching."""
    from ingest.loaders import load
    from ingest.manifest import derived_meta, discover, load_manifest

    manifest = load_manifest(corpus_dir)
    out = {}
    for path in discover(corpus_dir):
        meta = manifest.documents.get(path.name) or derived_meta(path)
        out[path.name] = _flat(load(path, meta.title).text)
    return out


def _flat(text: str) -> str:
    text = re.sub(r"(?m)^#+\s+", "", text)
    return " ".join(normalise_text(text).lower().split())


@dataclass
class DatasetCheck:
    """Every item of a dataset file that is valid, and every problem, each naming line, id and field."""

    path: Path
    items: list[Item]
    errors: list[str]
    warnings: list[str]

    @property
    def skipped(self) -> int:
        return len(self.errors)


def check_dataset(path: Path, corpus_dir: Path | None = None) -> DatasetCheck:
    """Parse `path` line by line, collecting problems instead of stopping at the first.

    With `corpus_dir`, every evidence quote must occur in the corpus as the assistant indexes
    it. An item with any error is left out of `items` (one error per item is reported)."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such dataset file")
    texts = corpus_texts(corpus_dir) if corpus_dir is not None else None
    items: list[Item] = []
    errors: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            item = parse_item(json.loads(line), where, warnings)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        except DatasetError as exc:
            errors.append(str(exc))
            continue
        if item.id in seen:
            errors.append(f"{where}: duplicate id {item.id!r}")
            continue
        seen.add(item.id)
        problem = _corpus_problem(item, texts) if texts is not None else ""
        if problem:
            errors.append(f"{where} (id {item.id!r}): {problem}")
            continue
        if texts is not None:
            warnings += [f"{where} (id {item.id!r}): {w}" for w in _elsewhere(item, texts)]
        items.append(item)
    return DatasetCheck(path, items, errors, warnings)


def _corpus_problem(item: Item, texts: dict[str, str]) -> str:
    """What of `item` the corpus contradicts, or "": a `doc` that is no corpus file, an evidence
    quote no document holds (with the corpus's closest sentence, so that a document's new wording
    shows at once), a key fact no document states (then no answer could state it, and the
    assistant would be blamed for the dataset's slip)."""
    docs = [item.doc] if isinstance(item.doc, str) else list(item.doc or [])
    unknown = [d for d in docs if d and d not in texts]
    if unknown:
        return f"field 'doc' names {unknown[0]!r}, which is not in the corpus (files: {', '.join(sorted(texts))})"
    for quote in item.evidence:
        if not any(_flat(quote) in t for t in texts.values()):
            closest = _closest_sentence(quote, texts)
            hint = f"; the closest sentence is {closest!r}" if closest else ""
            return f"field 'evidence' quote not found in the corpus: {_shown(quote)!r}{hint}"
    corpus = " ".join(texts.values())
    for alternatives in item.key_facts:
        if not any(_flat(a) in corpus for a in alternatives):
            return f"field 'key_facts': {' | '.join(alternatives)!r} is stated nowhere in the corpus"
    return ""


def _elsewhere(item: Item, texts: dict[str, str]) -> list[str]:
    """Evidence quotes the corpus holds, but not in the document the item names: a slip in `doc`
    or a quote copied from another guide. Not an error: a question spread over two documents
    may name one and quote both."""
    docs = [item.doc] if isinstance(item.doc, str) else list(item.doc or [])
    docs = [d for d in docs if d]
    if not docs:
        return []
    out = []
    for quote in item.evidence:
        flat = _flat(quote)
        if any(flat in texts[d] for d in docs if d in texts):
            continue
        holders = sorted(name for name, text in texts.items() if flat in text)
        if holders:
            out.append(
                f"field 'evidence' quote {_shown(quote, 60)!r} is in {', '.join(holders)}, not in the item's doc "
                f"{', '.join(docs)}"
            )
    return out


def _shown(text: str, limit: int = 120) -> str:
    """`text` cut at a word boundary to at most `limit` characters, marked when cut."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _closest_sentence(quote: str, texts: dict[str, str]) -> str:
    """The corpus sentence most like `quote` (at least half alike), cut for showing; "" if none."""
    sentences = [s for t in texts.values() for s in re.split(r"(?<=[.!?])\s+", t) if s]
    best = difflib.get_close_matches(_flat(quote), sentences, n=1, cutoff=0.5)
    # Whole, or nearly: cut at 120 characters it hid the very words a new version changed.
    return _shown(best[0], 400) if best else ""


def validate(path: Path, corpus_dir: Path) -> list[str]:
    """Every error in the dataset, each naming its line, id and field; empty when valid."""
    return check_dataset(path, corpus_dir).errors
