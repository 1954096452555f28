"""BM25 over the stored chunks (bm25s), persisted beside the store and rebuilt when stale."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StoreError

# Term pairs for `proximity`: each query term with the next two, near when within three terms in
# the text. Chosen on dev's reranked candidates at 1× and 100× the corpus: spans of 1-2 and
# windows of 1-5 terms all moved MRR by under 0.01; this one was ahead at both sizes.
PAIR_SPAN = 2
PAIR_WINDOW = 3
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves get got also may might must shall
    i'm what's
    pls please thx thanks hi hey tbh btw anyone anybody someone vs
    imo afaik fyi iirc ofc plz asap
    lol nah yeah yep ya
    """.split()  # noqa: SIM905
)


def normalise_quotes(text: str) -> str:
    return (
        text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-")
    )


def _bm25s() -> Any:
    import bm25s

    # bm25s sets its own logger to DEBUG on import, which prints "DEBUG bm25s: Building
    # index from tokens" into every ingest's output.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


_local = threading.local()


def _stemmer() -> Any:
    """This thread's stemmer: a snowball stemmer keeps the word being stemmed in its own fields,
    so one shared by concurrent questions (Slack and web threads) garbled words or raised
    IndexError (seen once in about 3,700 answers under 16 concurrent clients)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem: "recruited" and "recruitment" both become "recruit"."""
    return str(_stemmer().stemWord(word))


# "CCGs", "CSUs", "GPs": the stemmer keeps the "s" of an acronym's plural (no vowel before it,
# or one right before it), so "what is a CSU?" would not match a text about CSUs.
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")


def terms(text: str) -> list[str]:
    """Query/document terms for BM25: lowercase, stopwords out, lightly stemmed."""
    return list(_terms(text))


# Every question reads the terms of its candidates' headings and sentences again (heading match,
# answerability, composing): the same few thousand texts, so they are worked out once.
@lru_cache(maxsize=32768)
def _terms(text: str) -> tuple[str, ...]:
    text = normalise_quotes(text)
    if b"AAs" in _ascii(text).translate(_CASES):  # a plural acronym is possible at all
        text = _ACRONYM_PLURAL.sub(r"\1", text)
    text = re.sub(r"'s\b", "", text.lower())  # "CCG’s" → "ccg"
    if "-" in text:
        text = _BOUND_PREFIX.sub(r"\1", text)
    return tuple(stem(w) for w in _words(text) if w not in STOPWORDS)


# A prefix joined by a hyphen makes another word: "co-opting" is not "opting" ("can we opt out
# of the ccg?" matched "Co-opting secondary care clinicians onto specific subgroups"), nor is
# "non-emergency" "emergency". Written as one word, as "reablement" and "preop" often are.
_BOUND_PREFIX = re.compile(r"\b(co|non|pre|re|anti|sub|inter|multi|semi)-(?=[a-z])")


# At 1,000× the corpus most of a question's ~110 candidates miss the cache above, and Python's
# regular expressions scan a passage a character at a time (~60 of the ~110 µs a passage took);
# bytes.translate does the same work in C. Both give exactly what the expressions give:
# terms are runs of [a-z0-9] and `_ACRONYM_PLURAL` needs [A-Z]: ASCII only, all else separates.
_WORD_BYTES = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))
_CASES = bytes(65 if 65 <= c <= 90 else 115 if c == 115 else 46 for c in range(256))


def _ascii(text: str) -> bytes:
    return text.encode("ascii", "replace")  # anything else becomes "?", a separator


def _words(lowered: str) -> list[str]:
    """`re.findall("[a-z0-9]+", lowered.replace("'", ""))`, at C speed."""
    return _ascii(lowered).translate(_WORD_BYTES, b"'").decode("ascii").split()


def term_pairs(query_terms: Sequence[str], span: int = PAIR_SPAN) -> list[tuple[str, str]]:
    """The pairs of a query's terms that stand near each other in it ("ccg board", "board
    member"): each term with the next `span` terms, distinct pairs once."""
    pairs = (
        (query_terms[i], query_terms[j])
        for i in range(len(query_terms))
        for j in range(i + 1, min(len(query_terms), i + span + 1))
        if query_terms[i] != query_terms[j]
    )
    return list(dict.fromkeys(pairs))


def proximity(
    pairs: Sequence[tuple[str, str]], weights: Sequence[float], text_terms: Sequence[str], window: int = PAIR_WINDOW
) -> float:
    """The weighted share of a query's term pairs that a text holds within `window` terms of
    each other, either order (stopwords are not counted: `terms` drops them). BM25 scores each
    word alone, so "who sits on a CCG board?" matched a passage about health and wellbeing boards
    that says "CCG" in one sentence and "board" in the next as well as one about CCG boards; a
    sequential-dependence signal, as in Metzler and Croft's model."""
    total = sum(weights)
    if not pairs or total <= 0:
        return 0.0
    wanted = {t for pair in pairs for t in pair}
    where: dict[str, list[int]] = {}
    for i, t in enumerate(text_terms):
        if t in wanted:
            where.setdefault(t, []).append(i)
    held = 0.0
    for (a, b), w in zip(pairs, weights, strict=True):
        pa, pb = where.get(a), where.get(b)
        if pa and pb and any(abs(i - j) <= window for i in pa for j in pb):
            held += w
    return held / total


# Bump when `terms` changes: a saved index built with other terms is then rebuilt.
TOKENIZER_VERSION = "snowball-7"


def fingerprint(ids: Sequence[str]) -> str:
    payload = TOKENIZER_VERSION + "\n" + "\n".join(sorted(ids))
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


# Up to this many rows, `LexicalIndex.ranked` sorts every score (ties in numpy's order, as the
# retriever always did); above it, only the best few.
FULL_SORT_ROWS = 32768


class RowIds:
    """Row → chunk id over a fixed-width byte array (memory-mapped when loaded from disk)."""

    def __init__(self, raw: np.ndarray) -> None:
        self._raw = raw

    @classmethod
    def of(cls, ids: Sequence[str]) -> RowIds:
        width = max((len(i.encode()) for i in ids), default=1)
        return cls(np.array([i.encode() for i in ids], dtype=f"S{max(1, width)}"))

    @property
    def raw(self) -> np.ndarray:
        return self._raw

    def __len__(self) -> int:
        return int(self._raw.shape[0])

    def __getitem__(self, row: int) -> str:
        return bytes(self._raw[row]).decode()

    def __iter__(self) -> Iterator[str]:
        return (bytes(b).decode() for b in self._raw)


class LexicalIndex:
    """A BM25 index whose rows line up with `ids`."""

    MODEL = "model"
    IDS = "ids.npy"

    def __init__(self, ids: Sequence[str] | RowIds, model: object | None) -> None:
        self.ids = ids if isinstance(ids, RowIds) else RowIds.of(list(ids))
        self._model = model
        vocab = getattr(model, "vocab_dict", None) or {}
        self._vocab: dict[str, int] = vocab
        scores = getattr(model, "scores", None) or {}
        self._indptr: np.ndarray | None = scores.get("indptr") if isinstance(scores, dict) else None
        self._rows: np.ndarray | None = scores.get("indices") if isinstance(scores, dict) else None

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        return cls.build_from_terms(ids, [terms(t) for t in texts])

    @classmethod
    def build_from_terms(cls, ids: list[str], tokens: Sequence[list[str]]) -> LexicalIndex:
        """From each row's `terms` (as `terms(search_text(chunk))` gives them)."""
        if not ids:  # bm25s cannot index nothing; an empty index scores nothing
            return cls([], None)
        bm25s = _bm25s()
        model = bm25s.BM25()
        model.index([t or ["∅"] for t in tokens], show_progress=False)
        return cls(list(ids), model)

    def __len__(self) -> int:
        return len(self.ids)

    def query_terms(self, query: str) -> list[str]:
        """`terms(query)`, with a lower-case acronym plural this index does not know read as
        its singular when it knows that: "ccgs" as "ccg" ("CCGs" in the documents is already
        "ccg"; typed in lower case the stemmer cannot tell it from a word)."""
        out = []
        for t in terms(query):
            if t.endswith("s") and len(t) >= 3 and t not in self._vocab and t[:-1] in self._vocab:
                t = t[:-1]
            out.append(t)
        return out

    def scores(self, query: str) -> np.ndarray:
        q = self.query_terms(query)
        model: Any = self._model
        if not q or not len(self.ids) or model is None:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(model.get_scores(q), dtype=np.float32)

    @staticmethod
    def ranked(scores: np.ndarray, first: int = 64) -> Iterator[int]:
        """Rows with a positive score, best first, without sorting every row of a large index:
        the best `first` (and any tied with the last of them) are sorted first, ties in row
        order; the rest only if the caller reads that far."""
        if len(scores) <= FULL_SORT_ROWS:
            # Small enough to sort whole (~1 ms): exactly numpy's order, ties included, as always.
            order = np.argsort(-scores)
            yield from order[scores[order] > 0].tolist()
            return
        rows = np.flatnonzero(scores > 0)
        if len(rows) > 4 * first:
            kth = np.partition(scores[rows], len(rows) - first)[len(rows) - first]
            head = rows[scores[rows] >= kth]
            yield from head[np.argsort(-scores[head], kind="stable")].tolist()
            rows = rows[scores[rows] < kth]
        yield from rows[np.argsort(-scores[rows], kind="stable")].tolist()

    def df(self, term: str) -> int:
        """How many rows contain `term` (a `terms` token): the column's length in BM25's matrix."""
        i = self._vocab.get(term)
        ptr = self._indptr
        if i is None or ptr is None or i + 1 >= len(ptr):
            return 0
        return int(ptr[i + 1] - ptr[i])

    def rows_holding(self, term: str) -> np.ndarray:
        """The rows that contain `term`, in order (its column of BM25's matrix)."""
        i = self._vocab.get(term)
        ptr, held = self._indptr, self._rows
        if i is None or ptr is None or held is None or i + 1 >= len(ptr):
            return np.zeros(0, dtype=np.int64)
        return np.asarray(held[ptr[i] : ptr[i + 1]])

    def holding(self, term: str, rows: np.ndarray) -> np.ndarray:
        """Which of `rows` contain `term`, without reading their text: a binary search in the
        term's column of BM25's matrix, whose rows bm25s keeps in order."""
        i = self._vocab.get(term)
        ptr, held = self._indptr, self._rows
        if i is None or ptr is None or held is None or i + 1 >= len(ptr) or ptr[i] == ptr[i + 1]:
            return np.zeros(len(rows), dtype=bool)
        column = held[ptr[i] : ptr[i + 1]]
        at = np.minimum(np.searchsorted(column, rows), len(column) - 1)
        return np.asarray(column[at] == rows)

    def write_to(self, folder: Path) -> None:
        """Write the model and row ids into `folder` (the caller makes the folder's swap atomic)."""
        model: Any = self._model
        if model is not None:
            model.save(str(folder / self.MODEL), show_progress=False)
        np.save(folder / self.IDS, self.ids.raw)

    @classmethod
    def open(cls, folder: Path) -> LexicalIndex:
        """Memory-mapped: nothing per row is read until a query needs it."""
        ids = RowIds(np.load(folder / cls.IDS, mmap_mode="r"))
        if not len(ids):
            return cls(ids, None)
        bm25s = _bm25s()
        model = bm25s.BM25.load(str(folder / cls.MODEL), mmap=True, show_progress=False)
        return cls(ids, model)

    def save(self, path: Path) -> None:
        """Write atomically: a reader never sees a half-written index."""

        def fill(tmp: Path) -> None:
            self.write_to(tmp)
            (tmp / "ids.json").write_text(json.dumps({"fingerprint": fingerprint(list(self.ids))}))

        atomic_folder(path, fill)

    @classmethod
    def load(cls, path: Path, expected: str) -> LexicalIndex | None:
        """The saved index if it matches the store's chunk ids (`expected` fingerprint)."""
        try:
            meta = json.loads((path / "ids.json").read_text())
            if meta.get("fingerprint") != expected:
                return None
            return cls.open(path)
        except (OSError, ValueError, KeyError):
            return None


def atomic_folder(path: Path, fill: Callable[[Path], object]) -> None:
    """Make `path` a folder filled by `fill(tmp)`, swapped in with renames: a reader sees the old
    folder or the new one, never a half-written one (a reader with files open keeps them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        fill(tmp)
        old = path.with_name(f".{path.name}-old-{tmp.name}")
        if path.exists():
            path.rename(old)
        tmp.rename(path)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise StoreError(f"cannot write the index files at {path}: {exc}") from exc
