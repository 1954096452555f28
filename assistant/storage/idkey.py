"""The key Slack user ids are hashed with (`Database.hash_id`): `ASSISTANT_ID_HASH_KEY`, or a
random key kept in the data directory (`id_hash.key`, 0600), made once however many processes
start together."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path

from ..errors import StoreError

log = logging.getLogger(__name__)


def load_or_create_key(path: Path) -> bytes:
    """The id-hashing key kept at `path` (hex), made once with 0600 permissions. Two processes
    starting together agree: each writes a private temporary file and links it into place, and
    the one that loses the link reads the winner's key."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_hex(32) + "\n")
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return _read_key(path)
    except OSError as exc:
        raise StoreError(f"cannot create the id-hashing key {path}: {exc}") from exc


def _read_key(path: Path) -> bytes:
    raw = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(raw)
    except ValueError as exc:
        raise StoreError(f"the id-hashing key {path} is not hex; remove it to make a new one") from exc
    if len(key) < 16:
        raise StoreError(f"the id-hashing key {path} is too short; remove it to make a new one")
    if path.stat().st_mode & 0o077:
        log.warning("%s is readable by other users; chmod 600 it", path)
    return key
