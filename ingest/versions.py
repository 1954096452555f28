"""Names that make ingest atomic: a document version's hash, the stored id of its chunks (a new
version is written beside the committed one) and a new generation's name."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from .manifest import DocMeta

# Bump when loading, chunking or sentence splitting changes: stored chunks are then rebuilt.
PIPELINE_VERSION = "36"


def document_hash(path: Path, meta: DocMeta) -> str:
    h = hashlib.sha256(PIPELINE_VERSION.encode() + b"\0" + path.read_bytes())
    # Metadata is part of the hash: a corrected date or notice must reach the stored chunks.
    h.update(json.dumps(asdict(meta), sort_keys=True).encode())
    return h.hexdigest()[:32]


def versioned_id(chunk_id: str, doc_hash: str) -> str:
    """A chunk's stored id: a new version of a document never overwrites the committed one."""
    return hashlib.sha256(f"{doc_hash}\0{chunk_id}".encode()).hexdigest()[:24]


def new_generation() -> str:
    return time.strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:6]
