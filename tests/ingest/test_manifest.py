"""The manifest as editors write it: every mistake named at once, by entry and field, before
anything is indexed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from ingest.manifest import derived_meta, load_manifest, unreadable

TODAY = dt.date(2026, 12, 7)


def _corpus(tmp_path: Path, *entries: str) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a.md", "b.md"):
        (corpus / name).write_text("# A guide\n\nGuidance text.\n")
    (corpus / "manifest.toml").write_text("\n".join(f"[[document]]\n{e}\n" for e in entries))
    return corpus


def _problems(corpus: Path) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_manifest(corpus, today=TODAY)
    return str(err.value).splitlines()


def test_a_misspelt_field_is_refused_with_the_field_it_may_mean(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 'id = "a"\nfile = "a.md"\ntitle = "A"\nnotise = "Withdrawn in 2020."\naudiance = "GPs"')
    problems = _problems(corpus)
    assert len(problems) == 2, problems
    assert "document 'a': unknown field 'audiance' (did you mean 'audience'?)" in problems[0]
    assert "document 'a': unknown field 'notise' (did you mean 'notice'?)" in problems[1]


@pytest.mark.parametrize(
    ("published", "why"),
    [
        ("2014-13-45", "'2014-13-45' is not a date on the calendar"),
        ("2014-02-30", "'2014-02-30' is not a date on the calendar"),
        ("2034-09", "'2034-09' is after today (2026-12-07): check the year"),
        ("2027", "'2027' is after today"),
        ("2026-12-08", "after today"),
        ("Sept 2014", "must be YYYY, YYYY-MM or YYYY-MM-DD"),
        ("0014", "'0014' is before 1948: check the year"),
    ],
)
def test_a_date_that_is_not_real_or_not_yet_is_refused(tmp_path: Path, published: str, why: str) -> None:
    corpus = _corpus(tmp_path, f'id = "a"\nfile = "a.md"\ntitle = "A"\npublished = "{published}"')
    assert any("document 'a': field 'published' " in p and why in p for p in _problems(corpus))


@pytest.mark.parametrize("published", ["2014", "2014-02", "2012-02-29", "2026-12", "2026-12-07"])
def test_a_real_date_up_to_today_is_kept(tmp_path: Path, published: str) -> None:
    corpus = _corpus(tmp_path, f'id = "a"\nfile = "a.md"\ntitle = "A"\npublished = "{published}"')
    assert load_manifest(corpus, today=TODAY).documents["a.md"].published == published


def test_every_problem_of_every_entry_is_named_at_once_by_id_or_by_file(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        'id = "a"\nfile = "a.md"\ntitle = "A"\npublished = "2034"',
        'file = "b.md"\ntitle = "B"',  # no id: named by its position and file
        'id = "c"\nfile = "ghost.md"\ntitle = "C"\npublished_approximate = "yes"',
    )
    problems = _problems(corpus)
    assert len(problems) == 4, problems
    assert "document 'a': field 'published'" in problems[0]
    assert "document #2 (file b.md): field 'id' is required" in problems[1]
    assert any("document 'c': field 'file' names ghost.md, which is not in" in p for p in problems)
    assert any("document 'c': field 'published_approximate' must be true or false" in p for p in problems)


def test_a_duplicate_id_names_both_files(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 'id = "a"\nfile = "a.md"\ntitle = "A"', 'id = "a"\nfile = "b.md"\ntitle = "B"')
    assert _problems(corpus) == [
        f"{corpus / 'manifest.toml'}: document 'a': duplicate id (the entries for a.md and b.md both use it)"
    ]


def test_an_unlisted_file_has_no_date_and_an_unreadable_one_is_named(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 'id = "a"\nfile = "a.md"\ntitle = "A"')
    # Its modification time is when it was copied in, not when it was written.
    meta = derived_meta(corpus / "b.md")
    assert meta.published == "" and meta.date_label == "date unknown" and not meta.in_manifest
    # Its title is the one it gives itself, not its file name ("B").
    assert meta.title == "A guide"
    (corpus / "c.html").write_text("<html><head><title>Rota &amp; leave</title></head><body>x</body></html>")
    (corpus / "d.txt").write_text("\n  Locum guidance 2014  \n\nText.\n")
    (corpus / "e_notes.md").write_text("No heading here, only text.\n")
    assert [derived_meta(corpus / n).title for n in ("c.html", "d.txt", "e_notes.md")] == [
        "Rota & leave",
        "Locum guidance 2014",
        "E notes",
    ]
    (corpus / "locum guide.docx").write_bytes(b"PK\x03\x04")
    (corpus / "README.md").write_text("notes")  # the folder's own notes: never a document
    assert [w.split(":")[0] for w in unreadable(corpus)] == ["locum guide.docx"]


def test_a_misspelt_table_is_refused_not_read_as_no_entries(tmp_path: Path) -> None:
    """ "[[documents]]": read as an empty manifest, every file went in unlisted, its title, notice,
    exclusions and headings lost."""
    corpus = _corpus(tmp_path)
    (corpus / "manifest.toml").write_text('[[documents]]\nid = "a"\nfile = "a.md"\ntitle = "A"\n')
    assert _problems(corpus) == [
        f"{corpus / 'manifest.toml'}: unknown table or key 'documents' (did you mean [[document]]?)"
    ]


def test_shorthand_is_a_table_of_initials_and_their_words(tmp_path: Path) -> None:
    entry = 'id = "a"\nfile = "a.md"\ntitle = "A"\n'
    corpus = _corpus(tmp_path, entry + 'shorthand = { OOH = "out-of-hours", NQR = "quality  rules" }')
    assert load_manifest(corpus, today=TODAY).documents["a.md"].shorthand == (
        ("NQR", "quality rules"),
        ("OOH", "out-of-hours"),
    )
    (tmp_path / "bad").mkdir()
    bad = _corpus(tmp_path / "bad", entry + 'shorthand = { "out of hours" = "OOH" }')
    assert "document 'a': field 'shorthand' must be a table of initials" in _problems(bad)[0]
