"""The evaluation dataset format (JSONL) and its validation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import DatasetError

from .metrics import normalise_text

CATEGORIES = {"fact", "paraphrase", "numeric", "multi_doc", "list", "unanswerable", "follow_up"}
DEV_SET = Path(__file__).parent / "datasets" / "dev.jsonl"


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


def _check(cond: bool, where: str, msg: str) -> None:
    if not cond:
        raise DatasetError(f"{where}: {msg}")


def parse_item(raw: Any, where: str) -> Item:
    _check(isinstance(raw, dict), where, "each line must be a JSON object")
    for key, kind in (("id", str), ("question", str), ("answerable", bool), ("category", str)):
        _check(isinstance(raw.get(key), kind), where, f"field '{key}' is required ({kind.__name__})")
    where = f"{where} (id {raw['id']!r})"
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
        for q in evidence:
            n = len(q.split())
            _check(8 <= n <= 40, where, f"evidence quote has {n} words (8–40 expected): {q[:60]!r}")
    else:
        _check(not evidence and not key_facts, where, "an unanswerable item has no evidence and no key facts")
    return Item(raw["id"], raw["question"], raw["answerable"], raw["category"], doc, evidence, key_facts, history)


def load_dataset(path: Path) -> list[Item]:
    if not path.is_file():
        raise DatasetError(f"{path}: no such dataset file")
    items: list[Item] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: not valid JSON ({exc.msg})") from exc
        item = parse_item(raw, where)
        if item.id in seen:
            raise DatasetError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise DatasetError(f"{path}: the dataset has no items")
    return items


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


def validate(path: Path, corpus_dir: Path) -> list[str]:
    """Every problem in the dataset, each naming its line, id and field; empty when valid."""
    problems: list[str] = []
    texts = corpus_texts(corpus_dir)
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            item = parse_item(json.loads(line), where)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        except DatasetError as exc:
            problems.append(str(exc))
            continue
        if item.id in seen:
            problems.append(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
        for q in item.evidence:
            flat = _flat(q)
            if not any(flat in t for t in texts.values()):
                problems.append(f"{where} (id {item.id!r}): field 'evidence' quote not found in the corpus: {q[:80]!r}")
    return problems
