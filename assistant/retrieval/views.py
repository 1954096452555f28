"""Lazy views of the read pack in the shapes the answer code has always used: the chunks as a
sequence, chunks and their sentences by chunk id, and each term's document frequency as
mappings. They store nothing: each read goes to the memory-mapped pack (`readpack.py`), so a
process's memory does not grow with the corpus (`index.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np

from ..types import Chunk
from .lexical import LexicalIndex
from .readpack import ReadPack


class ChunkRows(Sequence[Chunk]):
    """Every committed chunk, by (document id, position); read row by row, only as iterated."""

    def __init__(self, pack: ReadPack) -> None:
        self._pack = pack

    def __len__(self) -> int:
        return len(self._pack)

    @overload
    def __getitem__(self, i: int) -> Chunk: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Chunk]: ...
    def __getitem__(self, i: int | slice) -> Chunk | Sequence[Chunk]:
        if isinstance(i, slice):
            return [self._pack.chunk(r) for r in range(len(self))[i]]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._pack.chunk(i)

    def __iter__(self) -> Iterator[Chunk]:
        for row in range(len(self)):
            yield self._pack.chunk(row)


class ChunksById(Mapping[str, Chunk]):
    def __init__(self, pack: ReadPack) -> None:
        self._pack = pack

    def get(self, key: object, default: Any = None) -> Any:
        row = self._pack.row(key) if isinstance(key, str) else None
        return default if row is None else self._pack.chunk(row)

    def __getitem__(self, key: str) -> Chunk:
        chunk = self.get(key)
        if chunk is None:
            raise KeyError(key)
        return chunk

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._pack.row(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._pack.ids)

    def __len__(self) -> int:
        return len(self._pack)


SentenceEntry = tuple[list[str], np.ndarray]


class SentencesById(dict[str, SentenceEntry]):
    """chunk id → (sentence texts, their vectors as rows), read from the document files.

    A dict subclass only so that code annotated with `dict[...]` accepts it; it stores nothing
    (every dict method the answer code uses is overridden to read on demand).
    """

    def __init__(self, pack: ReadPack, read: Callable[[str], SentenceEntry | None]) -> None:
        super().__init__()
        self._pack = pack
        self._read = read

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        entry = self._read(key)
        return default if entry is None else entry

    def __getitem__(self, key: str) -> SentenceEntry:
        entry = self._read(key)
        if entry is None:
            raise KeyError(key)
        return entry

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._pack.row(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._pack.ids)

    def keys(self) -> Any:  # type: ignore[override]
        return list(self._pack.ids)

    def items(self) -> Any:  # type: ignore[override]
        return [(k, self[k]) for k in self._pack.ids]

    def values(self) -> Any:  # type: ignore[override]
        return [self[k] for k in self._pack.ids]

    def __len__(self) -> int:
        return len(self._pack)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __repr__(self) -> str:
        return f"<sentences of {len(self)} chunks, read on demand>"


class TermCounts(Mapping[str, int]):
    """term → how many chunks contain it (BM25's posting list lengths)."""

    def __init__(self, lexical: LexicalIndex) -> None:
        self._lexical = lexical

    def get(self, key: object, default: Any = None) -> Any:
        n = self._lexical.df(key) if isinstance(key, str) else 0
        return n if n else default

    def __getitem__(self, key: str) -> int:
        n = self._lexical.df(key)
        if not n:
            raise KeyError(key)
        return n

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._lexical.df(key) > 0

    def __iter__(self) -> Iterator[str]:
        vocab: dict[str, int] = getattr(self._lexical._model, "vocab_dict", None) or {}
        return (t for t in vocab if self._lexical.df(t) > 0)

    def __len__(self) -> int:
        return sum(1 for _ in self)
