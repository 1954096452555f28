"""The corpus manifest (`corpus/manifest.toml`): one `[[document]]` table per file."""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ConfigError

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}
_YEAR = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_INITIALS = re.compile(r"[A-Za-z][A-Za-z0-9]{1,9}")


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
    # Initials readers use for what the document writes out ("OOH" for "out-of-hours"), as
    # (initials, words): a question's initials are read as the words wherever the corpus does not
    # write the initials itself, as `templates/shorthand.txt`'s are for the whole corpus.
    shorthand: tuple[tuple[str, str], ...] = ()
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
    """Metadata for a file the manifest does not describe: taken from the file itself. Its date
    is unknown: the file's modification time is when it was copied, not when it was written, and
    shown as "this year" it passed an unvetted file off as current guidance."""
    return DocMeta(
        doc_id=slug(path.stem),
        file=path.name,
        title=_own_title(path) or path.stem.replace("-", " ").replace("_", " ").strip().capitalize(),
        in_manifest=False,
    )


def unlisted(path: Path) -> str:
    """The warning for a file no manifest entry describes, which ingest indexes all the same."""
    return (
        f"{path.name}: not in the manifest; indexed with the title it gives itself and its date unknown"
        " (answers citing it say so): describe it in the manifest"
    )


_MD_HEADING = re.compile(r"^#{1,6}\s+(\S.*?)\s*#*\s*$", re.M)
_HTML_TITLE = re.compile(r"<(title|h1)\b[^>]*>(.*?)</\1\s*>", re.I | re.S)
TITLE_MAX_CHARS = 120


def _own_title(path: Path) -> str:
    """The title a text file gives itself: a Markdown file's first heading, an HTML page's
    <title> or first <h1>, a text file's first line if short; "" when none (or a PDF)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return ""
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return ""
    if suffix in {".md", ".markdown"}:
        m = _MD_HEADING.search(head)
        found = m.group(1) if m else ""
    elif suffix in {".html", ".htm"}:
        m = _HTML_TITLE.search(head)
        found = html.unescape(re.sub(r"<[^>]+>", " ", m.group(2))) if m else ""
    else:
        found = next((line for line in head.splitlines() if line.strip()), "")
    found = " ".join(found.split())
    return found if len(found) <= TITLE_MAX_CHARS else ""


# Every field an entry may have: any other is a misspelling, whose value would be lost silently
# ("notise" for "notice" dropped a document's notice from every answer).
FIELDS = (
    "id",
    "file",
    "title",
    "publisher",
    "audience",
    "published",
    "published_approximate",
    "url",
    "notice",
    "exclude",
    "headings",
    "shorthand",
)


def load_manifest(corpus_dir: Path, manifest_path: Path | None = None, today: dt.date | None = None) -> Manifest:
    """Read and validate the manifest; a missing manifest is an empty one.

    Every problem is reported at once, one line each, naming the manifest file, the entry (its
    id, else its position and file) and the field. `today` (default: the date now) is the
    latest date a document may be published.
    """
    path = manifest_path or corpus_dir / "manifest.toml"
    if not path.is_file():
        return Manifest({})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    # Any other table is a misspelling ("[[documents]]"): read as no entries, every document would
    # go in unlisted, without its title, notice, exclusions or headings.
    for key in sorted(set(data) - {"document"}):
        near = difflib.get_close_matches(key, ["document"], n=1)
        hint = " (did you mean [[document]]?)" if near else " (each document is a [[document]] table)"
        raise ConfigError(f"{path}: unknown table or key '{key}'{hint}")
    entries = data.get("document", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'document' must be an array of tables ([[document]])")
    docs: dict[str, DocMeta] = {}
    ids: dict[str, str] = {}  # id -> the file of the entry that took it
    problems: list[str] = []
    for i, entry in enumerate(entries, start=1):
        try:
            meta = _entry(entry, i, path, corpus_dir, today or dt.date.today())
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        where = f"{path}: document '{meta.doc_id}'"
        if meta.doc_id in ids:
            problems.append(f"{where}: duplicate id (the entries for {ids[meta.doc_id]} and {meta.file} both use it)")
        elif meta.file in docs:
            problems.append(f"{where}: file '{meta.file}' is already described by the entry '{docs[meta.file].doc_id}'")
        else:
            ids[meta.doc_id] = meta.file
            docs[meta.file] = meta
    if problems:
        raise ConfigError("\n".join(problems))
    return Manifest(docs)


def _entry(entry: object, i: int, path: Path, corpus_dir: Path, today: dt.date) -> DocMeta:
    """One `[[document]]` table read and checked; raises ConfigError naming every problem of it."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: document #{i}: must be a table")
    given = {k: entry[k].strip() for k in ("id", "file") if isinstance(entry.get(k), str) and entry[k].strip()}
    if "id" in given:
        where = f"{path}: document '{given['id']}'"
    else:
        where = f"{path}: document #{i}" + (f" (file {given['file']})" if "file" in given else "")
    problems: list[str] = []
    for key in sorted(set(entry) - set(FIELDS)):
        near = difflib.get_close_matches(key, FIELDS, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else f" (the fields are: {', '.join(FIELDS)})"
        problems.append(f"{where}: unknown field '{key}'{hint}")
    for key in ("id", "file", "title"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problems.append(f"{where}: field '{key}' is required and must be a non-empty string")
    if problems:
        raise ConfigError("\n".join(problems))
    doc_id, file = given["id"], given["file"]
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", doc_id):
        problems.append(f"{where}: field 'id' must be lowercase letters, digits, '.', '_' or '-'")
    # Before any use of the path: a manifest entry must never reach outside the folder.
    target = path_in_corpus(corpus_dir, file, where)
    reason = reserved_reason(file)
    if Path(file).suffix.lower() not in SUPPORTED:
        problems.append(
            f"{where}: field 'file' has an unsupported type ({file}; supported: {', '.join(sorted(SUPPORTED))})"
        )
    elif reason:
        problems.append(f"{where}: field 'file' names {file}: {reason}")
    elif not target.is_file():
        problems.append(f"{where}: field 'file' names {file}, which is not in {corpus_dir}")
    published = str(entry.get("published", "")).strip()
    if published:
        wrong = date_problem(published, today)
        if wrong:
            problems.append(f"{where}: field 'published' {wrong}")
    approx = entry.get("published_approximate", False)
    if not isinstance(approx, bool):
        problems.append(f"{where}: field 'published_approximate' must be true or false")
    exclude = entry.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(x, str) and x.strip() for x in exclude):
        problems.append(f"{where}: field 'exclude' must be a list of non-empty strings")
        exclude = []
    try:
        headings = _headings(entry.get("headings", []), where)
    except ConfigError as exc:
        problems.append(str(exc))
        headings = ()
    shorthand = entry.get("shorthand", {})
    if not isinstance(shorthand, dict) or not all(
        isinstance(k, str) and _INITIALS.fullmatch(k) and isinstance(v, str) and v.strip() for k, v in shorthand.items()
    ):
        problems.append(
            f"{where}: field 'shorthand' must be a table of initials and the words they stand for,"
            ' such as { OOH = "out-of-hours" } (initials: 2 to 10 letters or digits, starting with a letter)'
        )
        shorthand = {}
    if problems:
        raise ConfigError("\n".join(problems))
    return DocMeta(
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
        shorthand=tuple(sorted((k, " ".join(v.split())) for k, v in shorthand.items())),
    )


# No guidance on NHS commissioning predates the NHS; an earlier year is a typo ("0014").
EARLIEST_YEAR = 1948


def date_problem(published: str, today: dt.date) -> str:
    """What is wrong with a `published` value, or "": its form, a date no calendar has
    ("2014-13-45"), or one after `today` (a typo such as 2034 for 2014 made a twelve-year-old
    guide read as this year's, and dropped its age notice)."""
    m = _YEAR.match(published)
    if not m:
        return f"must be YYYY, YYYY-MM or YYYY-MM-DD, not {published!r}"
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    if year < EARLIEST_YEAR:
        return f"{published!r} is before {EARLIEST_YEAR}: check the year"
    try:
        first = dt.date(year, month, day)
    except ValueError:
        return f"{published!r} is not a date on the calendar"
    if first > today:
        return f"{published!r} is after today ({today.isoformat()}): check the year"
    return ""


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


def unreadable(corpus_dir: Path) -> list[str]:
    """A warning for each file of the corpus folder not indexed for its type ("guide.docx"), in
    name order: an editor who drops one in is told, not left to wonder why nothing cites it."""
    kinds = ", ".join(sorted(SUPPORTED))
    return [
        f"{p.name}: not indexed: only {kinds} files are read"
        for p in sorted(corpus_dir.iterdir())
        if p.is_file() and p.suffix.lower() not in SUPPORTED and reserved_reason(p.name) is None
    ]


_HEADER = """# The guidance corpus. One [[document]] per file in this folder.
# Fields: id (stable, lowercase), file, title, publisher, audience,
# published (YYYY, YYYY-MM or YYYY-MM-DD), published_approximate (true when inferred),
# url (optional), notice (optional: shown with any answer that cites this document),
# exclude (optional: passages containing any of these texts are kept out of the index),
# headings (optional: {before, title, level} tables, headings the text lacks, each inserted
# before the first line starting with `before`), shorthand (optional: { OOH = "out-of-hours" },
# initials readers use that the document writes out).
# A file in this folder with no entry is still ingested, with a warning, and its date is unknown.
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
        if d.shorthand:
            lines.append("shorthand = { " + ", ".join(f"{k} = {_toml_str(v)}" for k, v in d.shorthand) + " }")
        if d.headings:
            tables = (f"{{ before = {_toml_str(b)}, title = {_toml_str(t)}, level = {n} }}" for b, t, n in d.headings)
            lines.append("headings = [\n  " + ",\n  ".join(tables) + ",\n]")
        blocks.append("\n".join(lines))
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    tmp.replace(path)
