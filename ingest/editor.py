"""Adding and removing corpus documents for content editors (the web Corpus page uses this).

An upload is checked in isolation first (loaded and chunked from a temporary folder); only a
document that would ingest cleanly is written to the corpus folder and the manifest. A bad
upload therefore changes nothing.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path

from assistant.errors import ConfigError, IngestError
from assistant.settings import Settings

from .chunk import chunk_document
from .loaders import load
from .manifest import SUPPORTED, DocMeta, dump_manifest, load_manifest, slug

MAX_BYTES = 20 * 1024 * 1024


def check_upload(filename: str, data: bytes, meta: DocMeta) -> int:
    """Chunks the document would yield; raises IngestError/ConfigError naming the problem."""
    name = Path(filename).name
    if Path(name).suffix.lower() not in SUPPORTED:
        raise ConfigError(f"{name}: unsupported file type (use .txt, .md, .html or .pdf)")
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        chunks = chunk_document(load(path, meta.title), meta, "check")
    if not chunks:
        raise IngestError(f"{name}: no text long enough to index")
    return len(chunks)


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
    corpus = settings.corpus_dir
    name = Path(filename).name
    if not re.fullmatch(r"[\w][\w.\- ]*", name):
        raise ConfigError(f"{name!r}: use letters, digits, spaces, '.', '_' or '-' in file names")
    if not title.strip():
        raise ConfigError("title: required")
    if published and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", published.strip()):
        raise ConfigError(f"published: use YYYY, YYYY-MM or YYYY-MM-DD, not {published!r}")
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
        publisher=publisher.strip() or "Unknown publisher",
        audience=audience.strip(),
        published=published.strip(),
        published_approximate=approximate,
        url=url.strip(),
        notice=notice.strip(),
    )
    check_upload(name, data, meta)
    target = corpus / name
    tmp = target.with_name(f".{name}.uploading")
    tmp.write_bytes(data)
    tmp.replace(target)
    docs[name] = meta
    dump_manifest(list(docs.values()), settings.manifest_path)
    return meta


def remove_document(settings: Settings, doc_id: str) -> DocMeta:
    manifest = load_manifest(settings.corpus_dir)
    for name, meta in manifest.documents.items():
        if meta.doc_id == doc_id:
            remaining = [d for d in manifest.documents.values() if d.doc_id != doc_id]
            dump_manifest(remaining, settings.manifest_path)
            (settings.corpus_dir / name).unlink(missing_ok=True)
            return meta
    # A file ingested without a manifest entry: remove by derived id.
    for path in settings.corpus_dir.iterdir():
        if slug(path.stem) == doc_id and path.suffix.lower() in SUPPORTED:
            path.unlink()
            return replace(DocMeta(doc_id, path.name, path.stem), in_manifest=False)
    raise ConfigError(f"no document with id {doc_id!r} in {settings.corpus_dir}")
