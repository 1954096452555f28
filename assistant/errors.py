"""Errors raised across the public API.

Library exceptions (chromadb, pypdf, sqlite3, ...) are caught at the module that talks to the
library and re-raised as one of these, so callers never need to import a backend to handle
a failure.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every error this project raises on purpose."""


class QuestionError(AssistantError):
    """The question (or its history) cannot be asked as given: empty, too long, not text. The
    message says why, in words fit to show the person who asked."""


class ConfigError(AssistantError):
    """A setting or a manifest field is invalid; the message names it."""


class IngestError(AssistantError):
    """A document could not be ingested; the message names the file and the reason."""


class IngestLockedError(IngestError):
    """Another ingest holds the lock on this data directory."""


class StoreError(AssistantError):
    """The vector store or the lexical index could not be read or written."""


class EmbedderMismatchError(StoreError):
    """The index was built with another embedding model than the one configured."""


class IndexMissingError(StoreError):
    """No index exists yet; run `assistant ingest`."""


class GeneratorError(AssistantError):
    """The optional generative backend failed (unreachable endpoint, bad model file).

    `reason` is the fallback reason shown with the quoted answer (see assistant.generation.generate):
    unreachable, timeout, crashed, failed or unavailable."""

    def __init__(self, message: str, reason: str = "failed") -> None:
        super().__init__(message)
        self.reason = reason


class DatasetError(AssistantError):
    """An evaluation dataset line is malformed; the message names file, line and field."""
