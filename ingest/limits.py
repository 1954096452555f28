"""What a loader returns (`Loaded`: canonical text and its pages) and the bounds it works within
(`Limits`), with the checks every loader and the editors' upload share."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from assistant.errors import IngestError
from assistant.settings import Settings


@dataclass(frozen=True)
class Loaded:
    text: str
    # (offset in text, 1-based page number), ascending; empty for formats without pages.
    pages: list[tuple[int, int]] = field(default_factory=list)
    # (offset in text, title) of each run-in title: a short piece's title set in bold at the
    # body's size ("Will it widen the rift?"). Read as a heading it cut the pieces into passages
    # of their own and cost accuracy; kept as text, it only names the piece a citation quotes.
    titles: list[tuple[int, str]] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        if not self.pages:
            return None
        i = bisect.bisect_right([p[0] for p in self.pages], offset) - 1
        return self.pages[max(i, 0)][1]


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one document may cost; each names its setting in the error it causes."""

    max_file_mb: float = 20
    max_line_chars: int = 20_000
    max_document_chars: int = 2_000_000
    max_html_depth: int = 256
    # Enforced by ingest/bounded.py (a worker process); 0 or less runs in-process, unbounded.
    document_timeout_s: float = 120.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_file_mb=settings.max_file_mb,
            max_line_chars=settings.max_line_chars,
            max_document_chars=settings.max_document_chars,
            max_html_depth=settings.max_html_depth,
            document_timeout_s=settings.document_timeout_s,
        )


def check_file_size(name: str, size: int, limits: Limits) -> None:
    if size > limits.max_file_mb * 1024 * 1024:
        raise IngestError(
            f"{name}: {size / (1024 * 1024):.1f} MB is over the {limits.max_file_mb:g} MB limit"
            " for one document (ASSISTANT_MAX_FILE_MB)"
        )


def check_text(name: str, text: str, limits: Limits) -> None:
    """Refuse text over the document or line length limit before any regex work on it."""
    if len(text) > limits.max_document_chars:
        raise too_long(name, len(text), limits)
    lengths = list(map(len, text.splitlines()))
    if lengths and max(lengths) > limits.max_line_chars:
        n = next(i for i, length in enumerate(lengths) if length > limits.max_line_chars)
        raise IngestError(
            f"{name}: line {n + 1} has {lengths[n]:,} characters, over the {limits.max_line_chars:,}-character"
            " limit for one line (ASSISTANT_MAX_LINE_CHARS)"
        )


def too_long(name: str, chars: int, limits: Limits) -> IngestError:
    return IngestError(
        f"{name}: text over the {limits.max_document_chars:,}-character limit for one document"
        f" ({chars:,} characters read; ASSISTANT_MAX_DOCUMENT_CHARS)"
    )
