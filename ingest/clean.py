"""Text normalisation shared by every loader: Unicode, whitespace and site boilerplate."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import pairwise

# Lines that are site furniture, not guidance.
_BOILERPLATE = [
    re.compile(r"^last updated:?\s*$", re.I),
    re.compile(r"^this site is intended for health professionals only\.?$", re.I),
    re.compile(r"^(share|print|back to top|skip to (main )?content)$", re.I),
]
# A web page's link saved as text: a call to follow it, no closing stop, no address ("Read more
# about the NHS mandate and how we responded to the consultation", "Find out more about what a CCG
# constitution should include"). Its target was lost with the page, and quoted as an answer it
# says nothing ("what is the NHS?" was answered with the mandate's). A printed page (PDF) shows
# its links' addresses on the next line, so pointers there stay.
_LINK_TEXT = re.compile(
    r"^(?:read (?:more|about|our|the full)|find out (?:more|about|how)|see (?:all|the|our|more)|visit|"
    r"download|click|more information (?:on|about))\b[^:/]*?[^.!?:;\s]$",
    re.I,
)
LINK_TEXT_MIN_WORDS = 5
_ADDRESS = re.compile(r"[a-z0-9]\.(?:[a-z]{2,}\.)*(?:com|org|net|uk|gov|nhs|html?)\b", re.I)
# A table of contents: a page or section number before or after a short title ("• 2 A HISTORY
# OF COMMISSIONING", "Patient engagement ........ 10"). Quoted, its lines answer nothing ("F2
# here, how can i get some commissioning experience" was answered with "8 COMMISSIONING
# EXPERIENCES"), and the sections it lists are in the document anyway.
# A list item's bullet, as the loaders write it and the structure reader reads it.
BULLET = re.compile(r"^[•◦▪\-\*]\s+")
_TITLE = r"([A-Za-z][^.!;:]{0,80}?)"
_CONTENTS_BEFORE = re.compile(r"^(\d{1,3})\.?\s+" + _TITLE + r"$")
_CONTENTS_AFTER = re.compile(r"^" + _TITLE + r"(\s*\.{2,}\s*|\s+)(\d{1,3})$")
_CONTENTS_HEADING = re.compile(r"^(table of )?contents$", re.I)
CONTENTS_MIN_LINES = 4
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\s*)([a-z])")
# Bold markers left over from a markdown original (the BMJ PDF prints "surgery?** You may"):
# never content, and they hide sentence ends from the splitter.
_EMPHASIS_MARKS = re.compile(r"\*{2,}|(?<!\w)_{2,}|_{2,}(?!\w)")


# An acute accent or a prime typed for an apostrophe ("we´ll", "It´s"): NFKC makes the accent a
# space and a combining mark, and answers quoted "we ́ll".
_ACCENT_APOSTROPHE = re.compile(r"(?<=[A-Za-z])[\u00b4\u2032](?=[A-Za-z])")


def normalise_unicode(text: str) -> str:
    # NFKC folds non-breaking spaces, ligatures and full-width forms; keep curly quotes as
    # the documents have them (quotes are matched on normalised forms later).
    text = unicodedata.normalize("NFKC", _ACCENT_APOSTROPHE.sub("’", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(ch for ch in text if ch in "\n\f" or unicodedata.category(ch)[0] != "C")


def rejoin_hyphenation(text: str) -> str:
    """`commis-\\nsioning` → `commissioning` (a word broken across a line end)."""
    return _HYPHEN_BREAK.sub(r"\1\3", text)


def drop_emphasis_marks(text: str) -> str:
    return _EMPHASIS_MARKS.sub("", text)


def is_boilerplate(line: str) -> bool:
    s = line.strip()
    return any(p.match(s) for p in _BOILERPLATE)


def is_link_text(line: str) -> bool:
    """A web page's link kept without its address (see _LINK_TEXT). A short line is left alone:
    "Visit requirements" or "Download speeds" would be a heading, and a link's words say what it
    leads to ("Find out more about what a CCG constitution should include")."""
    s = line.strip()
    return (
        len(s.split()) >= LINK_TEXT_MIN_WORDS and len(s) <= 160 and bool(_LINK_TEXT.match(s)) and not _ADDRESS.search(s)
    )


def _contents_entry(line: str) -> tuple[str, int, str, bool] | None:
    """(form, number, title, dot leaders) when `line` reads as a contents entry."""
    s = BULLET.sub("", line.strip())
    m = _CONTENTS_BEFORE.match(s)
    if m:
        return "before", int(m.group(1)), m.group(2), False
    m = _CONTENTS_AFTER.match(s)
    if m:
        return "after", int(m.group(3)), m.group(1), "." in m.group(2)
    return None


def contents_lines(lines: Sequence[str]) -> set[int]:
    """Indices of the lines that make a table of contents (and its "Contents" heading).

    A run of four or more entries of one form whose numbers never go down, and that reads as a
    contents list rather than a numbered list of steps ("1 Assess need", "2 Plan services", ...,
    or "Wave 1", "Wave 2", ...): a number skipped (pages), dot leaders, or titles in capitals.
    Blank lines inside the run are its own."""
    found: set[int] = set()
    i = 0
    while i < len(lines):
        first = _contents_entry(lines[i])
        if first is None:
            i += 1
            continue
        run = [(i, first)]
        j = i + 1
        while j < len(lines):
            if not lines[j].strip():
                j += 1
                continue
            entry = _contents_entry(lines[j])
            if entry is None or entry[0] != first[0] or entry[1] < run[-1][1][1]:
                break
            run.append((j, entry))
            j += 1
        numbers = [e[1] for _, e in run]
        listed = (
            any(b - a > 1 for a, b in pairwise(numbers))
            or any(e[3] for _, e in run)
            or all(e[2].isupper() for _, e in run)
        )
        if len(run) >= CONTENTS_MIN_LINES and listed:
            found.update(range(run[0][0], run[-1][0] + 1))
            k = run[0][0] - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            if k >= 0 and _CONTENTS_HEADING.match(BULLET.sub("", lines[k].strip())):
                found.add(k)
        i = max(j, i + 1) if len(run) > 1 else i + 1
    return found


def clean_lines(text: str) -> list[str]:
    """Normalise, drop boilerplate lines, link texts, a table of contents and trailing space;
    keep indentation and blank lines."""
    text = drop_emphasis_marks(rejoin_hyphenation(normalise_unicode(text)))
    lines = text.split("\n")
    contents = contents_lines(lines)
    out: list[str] = []
    for i, line in enumerate(lines):
        line = line.rstrip()
        if i in contents or is_boilerplate(line) or is_link_text(line):
            continue
        out.append(line)
    return out


def tidy(text: str) -> str:
    """Collapse runs of spaces and of blank lines; strip the ends."""
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
