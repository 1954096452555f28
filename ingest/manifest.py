"""The corpus manifest (`corpus/manifest.toml`): one `[[document]]` table per file."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ConfigError

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}
_YEAR = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class DocMeta:
    doc_id: str
    file: str
    title: str
    # Empty when unknown: the interfaces then show no publisher, never a placeholder.
    publisher: str = ""
    audience: str = ""
    published: str = ""
    published_approximate: bool = False
    url: str = ""
    notice: str = ""
    # Passages kept out of the index: any whose text contains one of these (a sponsor's
    # advertisement, a publisher's promotion), so that no answer quotes them.
    exclude: tuple[str, ...] = ()
    # Headings the document's text lacks, as (before, title, level): a booklet whose section
    # titles are printed as artwork files its Q&A under the essay before it. Each is inserted
    # before the first line that starts with `before`.
    headings: tuple[tuple[str, str, int], ...] = ()
    in_manifest: bool = True

    @property
    def year(self) -> int | None:
        m = _YEAR.match(self.published)
        return int(m.group(1)) if m else None

    @property
    def date_label(self) -> str:
        if not self.published:
            return "date unknown"
        return f"c. {self.published}" if self.published_approximate else self.published


@dataclass(frozen=True)
class Manifest:
    documents: dict[str, DocMeta]  # keyed by file name

    def by_id(self) -> dict[str, DocMeta]:
        return {d.doc_id: d for d in self.documents.values()}


# Files of the corpus folder that are never documents: its own notes and the manifest. One rule
# serves discovery, the manifest and uploads, so an upload is never saved only to be skipped.
RESERVED = {"readme.md", "sources.md", "manifest.toml"}


def reserved_reason(name: str) -> str | None:
    """Why `name` can never be a corpus document, or None when it can."""
    if name.startswith("."):
        return "hidden files (names starting with '.') are never indexed"
    if name.lower() in RESERVED:
        return f"{name} is reserved for the corpus folder's own notes and manifest, never indexed"
    return None


def path_in_corpus(corpus_dir: Path, name: str, where: str) -> Path:
    """`corpus_dir / name`, refusing any name that could reach outside the corpus folder.

    `name` must be a plain file name (no folder part, no '..', not absolute); a symbolic link
    must resolve inside the folder. Raises ConfigError prefixed with `where` (manifest, entry).
    """
    plain = Path(name).name == name and "\\" not in name and name not in {"", ".", ".."} and "\x00" not in name
    if not plain or Path(name).is_absolute():
        raise ConfigError(
            f"{where}: field 'file' must be a file name inside {corpus_dir}, not {name!r}"
            " (no folders, '..' or absolute paths)"
        )
    path = corpus_dir / name
    if path.is_symlink() and not path.resolve().is_relative_to(corpus_dir.resolve()):
        raise ConfigError(f"{where}: field 'file' names {name}, a link to a file outside {corpus_dir}")
    return path


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def derived_meta(path: Path) -> DocMeta:
    """Metadata for a file the manifest does not describe: taken from the file itself."""
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return DocMeta(
        doc_id=slug(path.stem),
        file=path.name,
        title=path.stem.replace("-", " ").replace("_", " ").strip().capitalize(),
        published=mtime.date().isoformat(),
        published_approximate=True,
        in_manifest=False,
    )


def load_manifest(corpus_dir: Path, manifest_path: Path | None = None) -> Manifest:
    """Read and validate the manifest; a missing manifest is an empty one.

    Errors name the manifest file, the entry and the field.
    """
    path = manifest_path or corpus_dir / "manifest.toml"
    if not path.is_file():
        return Manifest({})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    entries = data.get("document", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'document' must be an array of tables ([[document]])")
    docs: dict[str, DocMeta] = {}
    ids: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        where = f"{path}: document #{i}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: must be a table")
        for key in ("id", "file", "title"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ConfigError(f"{where}: field '{key}' is required and must be a non-empty string")
        doc_id, file = entry["id"].strip(), entry["file"].strip()
        where = f"{path}: document '{doc_id}'"
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", doc_id):
            raise ConfigError(f"{where}: field 'id' must be lowercase letters, digits, '.', '_' or '-'")
        if doc_id in ids:
            raise ConfigError(f"{where}: duplicate id")
        if file in docs:
            raise ConfigError(f"{where}: file '{file}' is already described by another entry")
        # Before any use of the path: a manifest entry must never reach outside the folder.
        target = path_in_corpus(corpus_dir, file, where)
        if Path(file).suffix.lower() not in SUPPORTED:
            raise ConfigError(f"{where}: field 'file' has an unsupported type ({file})")
        reason = reserved_reason(file)
        if reason:
            raise ConfigError(f"{where}: field 'file' names {file}: {reason}")
        if not target.is_file():
            raise ConfigError(f"{where}: field 'file' names {file}, which is not in {corpus_dir}")
        published = str(entry.get("published", "")).strip()
        if published and not _YEAR.match(published):
            raise ConfigError(f"{where}: field 'published' must be YYYY, YYYY-MM or YYYY-MM-DD, not {published!r}")
        approx = entry.get("published_approximate", False)
        if not isinstance(approx, bool):
            raise ConfigError(f"{where}: field 'published_approximate' must be true or false")
        exclude = entry.get("exclude", [])
        if not isinstance(exclude, list) or not all(isinstance(x, str) and x.strip() for x in exclude):
            raise ConfigError(f"{where}: field 'exclude' must be a list of non-empty strings")
        headings = _headings(entry.get("headings", []), where)
        ids.add(doc_id)
        docs[file] = DocMeta(
            doc_id=doc_id,
            file=file,
            title=entry["title"].strip(),
            publisher=str(entry.get("publisher", "")).strip(),
            audience=str(entry.get("audience", "")).strip(),
            published=published,
            published_approximate=approx,
            url=str(entry.get("url", "")).strip(),
            notice=str(entry.get("notice", "")).strip(),
            exclude=tuple(x.strip() for x in exclude),
            headings=headings,
        )
    return Manifest(docs)


def _headings(raw: object, where: str) -> tuple[tuple[str, str, int], ...]:
    shape = 'a list of tables {before = "...", title = "...", level = 1-6}'
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: field 'headings' must be {shape}")
    out = []
    for n, h in enumerate(raw, start=1):
        if not isinstance(h, dict) or set(h) != {"before", "title", "level"}:
            raise ConfigError(f"{where}: field 'headings' entry {n} must be a table {shape}")
        before, title, level = h["before"], h["title"], h["level"]
        if not (isinstance(before, str) and before.strip() and isinstance(title, str) and title.strip()):
            raise ConfigError(f"{where}: field 'headings' entry {n}: 'before' and 'title' must be non-empty strings")
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 6:
            raise ConfigError(f"{where}: field 'headings' entry {n}: 'level' must be a whole number from 1 to 6")
        out.append((" ".join(before.split()), " ".join(title.split()), level))
    return tuple(out)


def discover(corpus_dir: Path) -> list[Path]:
    """Every ingestible file in the corpus folder, sorted; reserved names (`reserved_reason`) skipped.

    A link whose target lies outside the folder is still listed, so that ingest reports it as
    failed by name (ingest/bounded.py refuses it) rather than it vanishing silently.
    """
    if not corpus_dir.is_dir():
        raise ConfigError(f"ASSISTANT_CORPUS_DIR: {corpus_dir} is not a folder")
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED and reserved_reason(p.name) is None
    )


_HEADER = """# The guidance corpus. One [[document]] per file in this folder.
# Fields: id (stable, lowercase), file, title, publisher, audience,
# published (YYYY, YYYY-MM or YYYY-MM-DD), published_approximate (true when inferred),
# url (optional), notice (optional: shown with any answer that cites this document),
# exclude (optional: passages containing any of these texts are kept out of the index),
# headings (optional: {before, title, level} tables, headings the text lacks, each inserted
# before the first line starting with `before`).
# A file in this folder with no entry is still ingested, with a warning.
"""


def _toml_str(value: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    import json

    return json.dumps(value, ensure_ascii=False)


def dump_manifest(docs: list[DocMeta], path: Path) -> None:
    """Write the manifest atomically (a reader never sees half a file)."""
    blocks = [_HEADER]
    for d in docs:
        lines = [
            "[[document]]",
            f"id = {_toml_str(d.doc_id)}",
            f"file = {_toml_str(d.file)}",
            f"title = {_toml_str(d.title)}",
            f"publisher = {_toml_str(d.publisher)}",
        ]
        if d.audience:
            lines.append(f"audience = {_toml_str(d.audience)}")
        if d.published:
            lines.append(f"published = {_toml_str(d.published)}")
            lines.append(f"published_approximate = {'true' if d.published_approximate else 'false'}")
        if d.url:
            lines.append(f"url = {_toml_str(d.url)}")
        if d.notice:
            lines.append(f"notice = {_toml_str(d.notice)}")
        if d.exclude:
            lines.append(f"exclude = [{', '.join(_toml_str(x) for x in d.exclude)}]")
        if d.headings:
            tables = (f"{{ before = {_toml_str(b)}, title = {_toml_str(t)}, level = {n} }}" for b, t, n in d.headings)
            lines.append("headings = [\n  " + ",\n  ".join(tables) + ",\n]")
        blocks.append("\n".join(lines))
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    tmp.replace(path)
