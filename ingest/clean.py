"""Text normalisation shared by every loader: Unicode, whitespace and site boilerplate."""

from __future__ import annotations

import re
import unicodedata

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
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\s*)([a-z])")
# Bold markers left over from a markdown original (the BMJ PDF prints "surgery?** You may"):
# never content, and they hide sentence ends from the splitter.
_EMPHASIS_MARKS = re.compile(r"\*{2,}|(?<!\w)_{2,}|_{2,}(?!\w)")


def normalise_unicode(text: str) -> str:
    # NFKC folds non-breaking spaces, ligatures and full-width forms; keep curly quotes as
    # the documents have them (quotes are matched on normalised forms later).
    text = unicodedata.normalize("NFKC", text)
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


def clean_lines(text: str) -> list[str]:
    """Normalise, drop boilerplate lines, link texts and trailing space; keep indentation and
    blank lines."""
    text = drop_emphasis_marks(rejoin_hyphenation(normalise_unicode(text)))
    out: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if is_boilerplate(line) or is_link_text(line):
            continue
        out.append(line)
    return out


def tidy(text: str) -> str:
    """Collapse runs of spaces and of blank lines; strip the ends."""
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
