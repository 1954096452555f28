"""Adding and removing corpus documents for content editors (the web Corpus page uses this).

An upload is checked in isolation first (loaded and chunked from a temporary folder, by the same
bounded function ingest uses, so a huge or hostile upload fails fast by name); only a document
that would ingest cleanly is written to the corpus folder and the manifest. A bad upload
therefore changes nothing. Upload names are made safe (ASCII, at most 120 characters, the
extension kept); reserved names (README.md, sources.md, manifest.toml, hidden files) are refused,
as discovery never indexes them. Nothing outside the corpus folder is ever written or deleted.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.errors import ConfigError, IngestError
from assistant.settings import Settings

from .bounded import Limits, load_and_chunk
from .limits import check_file_size
from .manifest import (
    SUPPORTED,
    DocMeta,
    date_problem,
    derived_meta,
    discover,
    dump_manifest,
    load_manifest,
    path_in_corpus,
    reserved_reason,
    slug,
    unlisted,
    unreadable,
)

# Longest stored file name, extension included: well under every file system's 255-byte limit,
# leaving room for the `.NAME.uploading` temporary file beside it.
MAX_NAME_CHARS = 120


def safe_name(filename: str) -> str:
    """A safe, bounded corpus file name for an upload, or ConfigError saying why there is none.

    Any folder part is dropped; letters are folded to ASCII, other characters become '-';
    the stem is cut so the name fits MAX_NAME_CHARS with its extension kept. Reserved names
    are refused (not renamed): the editor should know the file was not what they thought.
    """
    base = re.split(r"[/\\]", filename)[-1].strip()
    reason = reserved_reason(base)
    if reason:
        raise ConfigError(f"{base[:MAX_NAME_CHARS]!r}: {reason}; rename the file to upload it")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = ext.lower()
    if "." + ext not in SUPPORTED:
        raise ConfigError(f"{base[:MAX_NAME_CHARS]!r}: unsupported file type (use .txt, .md, .html or .pdf)")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    clean = re.sub(r"[^A-Za-z0-9._ -]+", "-", ascii_stem)
    clean = re.sub(r"([ ._-])[ ._-]+", r"\1", clean).strip(" ._-")
    clean = clean[: MAX_NAME_CHARS - len(ext) - 1].rstrip(" ._-") or "document"
    name = f"{clean}.{ext}"
    reason = reserved_reason(name)  # cleaning can make one: "README .md" → "README.md"
    if reason:
        raise ConfigError(f"{name!r}: {reason}; rename the file to upload it")
    return name


def check_upload(filename: str, data: bytes, meta: DocMeta, limits: Limits | None = None) -> int:
    """Chunks the document would yield; raises IngestError/ConfigError naming the problem.

    Uses the same bounded load-and-chunk as ingest (size, text and HTML-depth limits, and the
    per-document timeout in a worker process), so the web request waits at most that long.
    """
    limits = limits or Limits()
    name = safe_name(filename)
    check_file_size(name, len(data), limits)  # before writing anything
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        chunks = load_and_chunk(path, replace(meta, file=name), "check", limits)
    return len(chunks)


@dataclass(frozen=True)
class Checked:
    """One file of the corpus folder as `check_corpus` found it."""

    file: str
    doc_id: str
    chunks: int
    problem: str = ""  # why it would fail to ingest; "" when it would ingest


def check_corpus(settings: Settings) -> tuple[list[Checked], list[str]]:
    """What `assistant ingest` would make of the corpus folder, with nothing embedded or written:
    each document loaded and chunked as ingest does (limits, exclusions and added headings
    included), and the warnings ingest would give. A manifest problem raises ConfigError naming
    every one, as ingest does."""
    corpus = settings.corpus_dir
    manifest = load_manifest(corpus)
    limits = Limits.from_settings(settings)
    warnings = unreadable(corpus)
    checked: list[Checked] = []
    for path in discover(corpus):
        meta = manifest.documents.get(path.name)
        if meta is None:
            meta = derived_meta(path)
            warnings.append(unlisted(path))
        try:
            checked.append(Checked(path.name, meta.doc_id, len(load_and_chunk(path, meta, "check", limits))))
        except (IngestError, ConfigError) as exc:
            checked.append(Checked(path.name, meta.doc_id, 0, str(exc)))
    return checked, warnings


def pending_changes(settings: Settings, indexed: Mapping[str, str]) -> list[str]:
    """What the corpus folder holds that the index does not, one line each: a document changed
    (or whose manifest entry changed) since it was indexed, one not indexed yet (new, or failing
    to ingest: `ingest --check` says why) and one indexed whose file is gone. `indexed`: each
    indexed document's id and version hash. A manifest that cannot be read is one line."""
    from .versions import document_hash

    corpus = settings.corpus_dir
    try:
        manifest = load_manifest(corpus)
        files = discover(corpus)
    except ConfigError as exc:
        return [f"the manifest cannot be read, so nothing new can be indexed: {exc}"]
    lines, present = [], set()
    for path in files:
        meta = manifest.documents.get(path.name) or derived_meta(path)
        present.add(meta.doc_id)
        if meta.doc_id not in indexed:
            lines.append(f"{path.name} ({meta.doc_id}): not indexed")
        elif indexed[meta.doc_id] != document_hash(path, meta):
            lines.append(f"{path.name} ({meta.doc_id}): changed since it was indexed (answers quote the indexed one)")
    gone = [doc_id for doc_id in indexed if doc_id not in present]
    lines += [f"{doc_id}: its file is gone; still answered from until the next ingest" for doc_id in gone]
    return lines


def add_document(
    settings: Settings,
    filename: str,
    data: bytes,
    *,
    title: str,
    publisher: str,
    published: str,
    approximate: bool = False,
    audience: str = "",
    url: str = "",
    notice: str = "",
    replace_existing: bool = False,
) -> DocMeta:
    """Check the upload, then save it (under `safe_name(filename)`) and its manifest entry."""
    corpus = settings.corpus_dir
    name = safe_name(filename)
    if not title.strip():
        raise ConfigError("title: required")
    # The manifest's own rule, so that an upload never writes an entry the next ingest refuses.
    wrong = date_problem(published.strip(), dt.date.today()) if published.strip() else ""
    if wrong:
        raise ConfigError(f"published: {wrong}")
    manifest = load_manifest(corpus)
    docs = dict(manifest.documents)
    existing = docs.get(name)
    if existing and not replace_existing:
        raise ConfigError(f"{name}: already in the corpus; choose 'replace' to update it")
    if (corpus / name).exists() and not existing and not replace_existing:
        raise ConfigError(f"{name}: a file of that name is already in {corpus}")
    doc_id = existing.doc_id if existing else slug(Path(name).stem)
    taken = {d.doc_id for d in docs.values() if d.file != name}
    base, n = doc_id, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    meta = DocMeta(
        doc_id=doc_id,
        file=name,
        title=title.strip(),
        publisher=publisher.strip(),  # empty: no publisher shown, never a placeholder
        audience=audience.strip(),
        published=published.strip(),
        published_approximate=approximate,
        url=url.strip(),
        notice=notice.strip(),
    )
    check_upload(name, data, meta, Limits.from_settings(settings))
    target = path_in_corpus(corpus, name, f"upload {name!r}")
    tmp = target.with_name(f".{name}.uploading")
    tmp.write_bytes(data)
    tmp.replace(target)
    docs[name] = meta
    dump_manifest(list(docs.values()), settings.manifest_path)
    return meta


def remove_document(settings: Settings, doc_id: str) -> DocMeta:
    """Delete a document's file and manifest entry. Only ever deletes inside the corpus folder:
    the manifest is validated first (an entry pointing outside is a ConfigError, nothing is
    deleted), and a link is removed as a link, never its target."""
    corpus = settings.corpus_dir
    manifest = load_manifest(corpus)
    for name, meta in manifest.documents.items():
        if meta.doc_id == doc_id:
            target = path_in_corpus(corpus, name, f"{settings.manifest_path}: document '{doc_id}'")
            remaining = [d for d in manifest.documents.values() if d.doc_id != doc_id]
            dump_manifest(remaining, settings.manifest_path)
            target.unlink(missing_ok=True)
            return meta
    # A file ingested without a manifest entry: remove by derived id. Only files discovery would
    # index qualify, so `remove_document("readme")` can never delete the folder's README.md.
    for path in discover(corpus):
        if slug(path.stem) == doc_id:
            path.unlink()
            return replace(DocMeta(doc_id, path.name, path.stem), in_manifest=False)
    raise ConfigError(f"no document with id {doc_id!r} in {corpus}")
