"""The corpus folder as a boundary, bounded work per document, and safe upload names."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from assistant import Settings
from assistant.errors import ConfigError, IngestError
from ingest.bounded import Limits, load_and_chunk, load_and_chunk_ahead, load_and_chunk_many
from ingest.editor import MAX_NAME_CHARS, add_document, check_upload, remove_document, safe_name
from ingest.loaders import load
from ingest.manifest import DocMeta, discover, load_manifest
from ingest.pipeline import Ingestor
from tests.helpers import BODY, HashEmbedder, write_small_corpus

DEEP_HTML = "<html><body>" + "<div>" * 10_000 + "<p>" + BODY + "</p>" + "</div>" * 10_000 + "</body></html>"
META = DocMeta("doc", "doc.txt", "A document")


def _settings(tmp_path: Path) -> Settings:
    corpus = write_small_corpus(tmp_path / "corpus")
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "var", collection="limits")


def _entry(file: str) -> str:
    return f'\n[[document]]\nid = "escape"\nfile = "{file}"\ntitle = "Escape"\n'


# --- the corpus folder is a boundary ----------------------------------------------------


@pytest.mark.parametrize("file", ["../../x.txt", "../outside.txt", "/ABS/outside.txt", "sub/inner.txt", "..\\\\x.txt"])
def test_manifest_file_outside_the_corpus_is_refused_and_nothing_is_deleted(tmp_path: Path, file: str) -> None:
    settings = _settings(tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_text("Outside file that must survive. " + BODY)
    file = file.replace("/ABS/outside.txt", str(outside))
    manifest = settings.manifest_path
    manifest.write_text(manifest.read_text() + _entry(file))
    with pytest.raises(ConfigError) as err:
        load_manifest(settings.corpus_dir)
    message = str(err.value)
    assert str(manifest) in message and "'escape'" in message and "field 'file'" in message
    with pytest.raises(ConfigError):
        remove_document(settings, "escape")
    with pytest.raises(ConfigError):
        Ingestor(settings, HashEmbedder()).run()
    assert outside.is_file()
    assert (settings.corpus_dir / "alpha.txt").is_file()


def test_symlink_escaping_the_corpus_is_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("Secret notes outside the corpus folder. " + BODY)
    link = settings.corpus_dir / "link.txt"
    link.symlink_to(outside)
    manifest = settings.manifest_path
    manifest.write_text(manifest.read_text() + _entry("link.txt"))
    with pytest.raises(ConfigError, match=r"document 'escape': field 'file' names link.txt, a link"):
        load_manifest(settings.corpus_dir)
    # Not in the manifest: listed by discovery, refused by name when loaded.
    manifest.write_text(manifest.read_text().replace(_entry("link.txt"), ""))
    assert link in discover(settings.corpus_dir)
    with pytest.raises(IngestError, match=r"link.txt: a link to a file outside"):
        load_and_chunk(link, META, "h", Limits())
    remove_document(settings, "link")  # removes the link, never its target
    assert not link.exists() and not link.is_symlink() and outside.is_file()


def test_remove_by_derived_id_never_deletes_reserved_files(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    readme = settings.corpus_dir / "README.md"
    readme.write_text("# Notes\n\nAbout this folder.\n")
    with pytest.raises(ConfigError, match="no document with id 'readme'"):
        remove_document(settings, "readme")
    assert readme.is_file()


# --- bounded work per document ----------------------------------------------------------


def test_deep_html_fails_by_name_and_the_rest_of_the_corpus_ingests(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    (settings.corpus_dir / "deep.html").write_text(DEEP_HTML)
    with pytest.raises(IngestError, match=r"deep.html: HTML elements nested more than 256 deep"):
        load(settings.corpus_dir / "deep.html", "Deep")
    report = Ingestor(settings, HashEmbedder()).run()
    status = {r.file: (r.status, r.reason) for r in report.results}
    assert status["deep.html"][0] == "failed" and "ASSISTANT_MAX_HTML_DEPTH" in status["deep.html"][1]
    assert {status[f][0] for f in ("alpha.txt", "beta.md", "gamma.html")} == {"added"}


def test_html_within_the_depth_limit_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "nested.html"
    path.write_text("<html><body>" + "<div>" * 200 + "<p>" + BODY + "</p>" + "</div>" * 200 + "</body></html>")
    assert BODY in load(path, "Nested").text
    with pytest.raises(IngestError, match="nested more than 100 deep"):
        load(path, "Nested", Limits(max_html_depth=100))


@pytest.mark.parametrize(
    ("name", "content", "limits", "setting"),
    [
        ("big.txt", (BODY + "\n\n") * 8000, Limits(max_file_mb=1), "ASSISTANT_MAX_FILE_MB"),
        ("long-line.txt", "Intro line.\n" + "word " * 5000, Limits(max_line_chars=20_000), "ASSISTANT_MAX_LINE_CHARS"),
        ("long-doc.md", (BODY + "\n\n") * 3000, Limits(max_document_chars=100_000), "ASSISTANT_MAX_DOCUMENT_CHARS"),
        ("long-para.html", "<p>" + "word " * 5000 + "</p>", Limits(), "ASSISTANT_MAX_LINE_CHARS"),
    ],
)
def test_over_limit_files_fail_by_name_and_limit(
    tmp_path: Path, name: str, content: str, limits: Limits, setting: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(IngestError) as err:
        load_and_chunk(path, META, "h", limits)
    assert str(err.value).startswith(f"{name}: ") and setting in str(err.value)


def test_over_limit_pdf_text_fails_by_name(tmp_path: Path) -> None:
    from tests.helpers import make_pdf

    path = make_pdf(tmp_path / "guide.pdf", [[(10, BODY)] * 20] * 3)
    with pytest.raises(IngestError, match=r"guide.pdf: .*ASSISTANT_MAX_DOCUMENT_CHARS"):
        load(path, "Guide", Limits(max_document_chars=2000))


def test_timeout_stops_the_document_and_the_others_still_load(tmp_path: Path) -> None:
    slow = tmp_path / "slow.txt"
    slow.write_text("".join(f"Heading number {i}\n\nBody text {i} goes here, it does.\n\n" for i in range(30_000)))
    good = write_small_corpus(tmp_path / "c") / "alpha.txt"
    limits = Limits(document_timeout_s=0.3)
    started = time.monotonic()
    results = dict(load_and_chunk_many([(slow, META, "h"), (good, META, "h")], limits, workers=2))
    assert time.monotonic() - started < 20
    assert isinstance(results[0], IngestError)
    assert "slow.txt: not loaded and chunked within 0.3 s" in str(results[0])
    assert "ASSISTANT_DOCUMENT_TIMEOUT_S" in str(results[0])
    assert isinstance(results[1], list) and results[1]
    assert load_and_chunk(good, META, "h", limits)  # a killed worker is replaced


def test_bounded_results_equal_in_process_results(tmp_path: Path) -> None:
    corpus = write_small_corpus(tmp_path)
    for path in discover(corpus):
        meta = DocMeta(path.stem, path.name, path.stem.title())
        worker = load_and_chunk(path, meta, "h", Limits())
        inline = load_and_chunk(path, meta, "h", Limits(document_timeout_s=0))
        assert worker == inline and worker


def test_parsing_ahead_gives_every_result_and_stopping_early_stops_the_thread(tmp_path: Path) -> None:
    corpus = write_small_corpus(tmp_path / "c")
    jobs = [(path, DocMeta(path.stem, path.name, path.stem.title()), "h") for path in discover(corpus)]
    jobs.append((tmp_path / "missing.txt", META, "h"))
    results = dict(load_and_chunk_ahead(jobs, Limits(), workers=2, ahead=1))
    assert sorted(results) == list(range(len(jobs)))
    assert all(isinstance(results[i], list) and results[i] for i in range(len(jobs) - 1))
    assert isinstance(results[len(jobs) - 1], IngestError)  # named, and the others still parsed
    # The consumer stops after the first: the background thread ends and no worker keeps running.
    ahead = load_and_chunk_ahead(jobs, Limits(), workers=2, ahead=1)
    next(ahead)
    ahead.close()
    assert not any(t.name == "ingest-parse" and t.is_alive() for t in threading.enumerate())


def test_huge_uploads_fail_fast_by_name() -> None:
    meta = DocMeta("up", "up.txt", "Upload")
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"up.txt: 25.0 MB is over the 20 MB limit .*ASSISTANT_MAX_FILE_MB"):
        check_upload("up.txt", b"a" * (25 * 1024 * 1024), meta)
    with pytest.raises(IngestError, match=r"line.txt: .*ASSISTANT_MAX_(DOCUMENT|LINE)_CHARS"):
        check_upload("line.txt", b"word " * (19 * 1024 * 1024 // 5), meta)
    assert time.monotonic() - started < 10  # was 24 s inside the web request


def test_deep_html_upload_is_a_named_error_not_a_recursion_error(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with pytest.raises(IngestError, match=r"deep\.html: HTML elements nested"):
        add_document(settings, "deep.html", DEEP_HTML.encode(), title="Deep", publisher="BMA", published="2024")
    assert not (settings.corpus_dir / "deep.html").exists()


# --- upload names -----------------------------------------------------------------------


def test_long_and_odd_upload_names_are_made_safe(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    data = ("# Long\n\n" + BODY + "\n").encode()
    meta = add_document(settings, "é" + "x" * 300 + ".md", data, title="Long", publisher="BMA", published="2024")
    assert len(meta.file) <= MAX_NAME_CHARS and meta.file.endswith(".md") and meta.file.startswith("exxx")
    assert (settings.corpus_dir / meta.file).is_file()
    assert load_manifest(settings.corpus_dir).documents[meta.file].title == "Long"
    assert safe_name("../../etc/Évidence: pensions?.TXT") == "Evidence-pensions.txt"
    assert safe_name("C:\\Users\\me\\My  guide (v2).html") == "My guide v2.html"
    assert safe_name("%%%.pdf") == "document.pdf"


@pytest.mark.parametrize(
    ("published", "why"), [("2034-09", "after today"), ("2014-13-45", "not a date on the calendar")]
)
def test_an_upload_dated_after_today_or_on_no_calendar_is_refused(tmp_path: Path, published: str, why: str) -> None:
    """The manifest's own rule: an upload never writes an entry the next ingest would refuse."""
    settings = _settings(tmp_path)
    manifest = settings.manifest_path.read_text()
    with pytest.raises(ConfigError, match=f"published: '{published}' .*{why}"):
        data = b"# New\n\n" + BODY.encode()
        add_document(settings, "new.md", data, title="New", publisher="BMA", published=published)
    assert not (settings.corpus_dir / "new.md").exists() and settings.manifest_path.read_text() == manifest


@pytest.mark.parametrize("name", ["README.md", "readme.MD", "sources.md", ".hidden.md", "manifest.toml", "README .md"])
def test_reserved_upload_names_are_refused_with_a_reason(tmp_path: Path, name: str) -> None:
    settings = _settings(tmp_path)
    before = sorted(p.name for p in settings.corpus_dir.iterdir())
    with pytest.raises(ConfigError, match=r"never indexed|unsupported file type"):
        add_document(settings, name, b"# Notes\n\n" + BODY.encode(), title="Notes", publisher="BMA", published="")
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == before


def test_discovery_and_manifest_agree_with_the_upload_rule(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    for name in ("README.md", "sources.md", ".hidden.md"):
        (settings.corpus_dir / name).write_text("# Notes\n\n" + BODY)
    assert {p.name for p in discover(settings.corpus_dir)} == {"alpha.txt", "beta.md", "gamma.html"}
    manifest = settings.manifest_path
    manifest.write_text(manifest.read_text() + _entry("README.md"))
    with pytest.raises(ConfigError, match=r"document 'escape': field 'file' names README.md: .*never indexed"):
        load_manifest(settings.corpus_dir)
