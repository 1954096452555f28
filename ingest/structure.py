"""Document structure: headings recovered from plain text, and sections of canonical text.

Plain-text exports of web pages lose their markup, but keep enough shape to recover it:
collapsible sections appear as indented `• Why?` lines, numbered sub-headings as
`1. Positions on ...`, interview questions as lone lines ending in `?`, and short
title-like lines stand alone between blank lines. `outline_plain` turns those into
markdown headings so that one section parser serves every format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import SECTION_SEP, turn_label

from .clean import BULLET

_WORD = re.compile(r"[A-Za-z0-9]+")
_NUMBERED = re.compile(r"^\d{1,2}\.\s+\S")
_SPEAKER_DEF = re.compile(r"^([A-Z]{2,3})\s*:\s*(\S.+)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")


@dataclass(frozen=True)
class Section:
    path: str
    start: int  # span of the section body in the canonical text
    end: int


@dataclass
class _Block:
    lines: list[str]
    indent: int

    @property
    def text(self) -> str:
        return " ".join(s.strip() for s in self.lines)


def _tokens(s: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(s)]


def _matches_title(line: str, title: str) -> bool:
    words, title_words = _tokens(line), set(_tokens(title))
    return bool(words) and sum(w in title_words for w in words) / len(words) >= 0.8 and len(words) >= 2


def _title_like(s: str, max_words: int = 12) -> bool:
    words = s.split()
    if not words or len(words) > max_words:
        return False
    if s.endswith((".", ",", ";", ":", "!", '"', "”")) or ", " in s:
        return False
    return s[0].isupper() or s[0].isdigit()


_PULL_QUOTE_WORDS = 6
_ENDS_SENTENCE = re.compile(r"[.?!:;\"”’)\]]\s*$")


def _blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line)
        elif current:
            indent = len(current[0]) - len(current[0].lstrip(" "))
            # A sentence broken across a blank line by the copy from the web page ("... and a
            # nursing home" / "service as well. I suspect ...") is one paragraph: otherwise its
            # halves are split, chunked and quoted apart.
            if blocks and current[0].strip()[:1].islower() and not _ENDS_SENTENCE.search(blocks[-1].lines[-1]):
                blocks[-1].lines.extend(current)
            else:
                blocks.append(_Block(current, indent))
            current = []
    return blocks


def _norm(s: str) -> str:
    return " ".join(_tokens(s))


def _pull_quotes(blocks: list[_Block]) -> set[int]:
    """Blocks that are a magazine page's pull quotes: a heading-like line of a sentence's length
    repeated word for word inside a later paragraph. Read as a heading, it would open a section
    that the sentence does not name. Only heading-like lines are looked for, so a long document
    costs a scan per candidate, not per block."""
    out: set[int] = set()
    norms: list[str] | None = None
    for i, b in enumerate(blocks):
        if len(b.lines) != 1 or not _title_like(b.text, 10) or len(b.text.split()) < _PULL_QUOTE_WORDS:
            continue
        norms = norms or [_norm(x.text) for x in blocks]
        if any(len(n) > len(norms[i]) and f" {norms[i]} " in f" {n} " for n in norms[i + 1 :]):
            out.add(i)
    return out


def _standfirst_after_title(blocks: list[_Block], title: str) -> list[_Block]:
    """A web page's standfirst often comes before its title in the copied text; a one-paragraph
    opening left before the title would be a passage of its own, a sentence long, that outranks
    the article on every question about its subject. It belongs under the title."""
    for i, b in enumerate(blocks[:3]):
        bare = BULLET.sub("", b.text)
        if len(b.lines) == 1 and _matches_title(bare, title) and _title_like(bare, 16):
            if i > 0 and all(len(x.lines) == 1 and not _title_like(x.text) for x in blocks[:i]):
                rest = i + 1
                while rest < len(blocks) and blocks[rest].text == b.text:  # the title's echoes
                    rest += 1
                return [b, *blocks[:i], *blocks[rest:]]
            break
    return blocks


def outline_plain(lines: list[str], title: str) -> str:
    """Canonical text (markdown headings, paragraphs, `• ` items) from cleaned plain-text lines."""
    blocks = _blocks(lines)
    pulled = _pull_quotes(blocks)
    blocks = _standfirst_after_title([b for i, b in enumerate(blocks) if i not in pulled], title)
    speakers = {}
    for b in blocks:
        m = _SPEAKER_DEF.match(b.text)
        if m and len(b.lines) == 1:
            speakers[m.group(1)] = m.group(2).strip()
    speaker_turn = re.compile(r"^({})\s+(?=\S)".format("|".join(map(re.escape, speakers)))) if speakers else None

    out: list[str] = []
    title_seen = False
    last_text = ""
    # An unindented plain title is open: unindented questions after it nest under it.
    unindented_title_open = False
    for b in blocks:
        text = b.text
        if text == last_text:  # the same line repeated (web page title echoes)
            continue
        last_text = text
        one_line = len(b.lines) == 1
        bare = BULLET.sub("", text)
        is_speaker = bool(speaker_turn and speaker_turn.match(text)) or bool(_SPEAKER_DEF.match(text))
        level = max(1, b.indent // 2)
        heading: str | None = None
        if one_line and not is_speaker:
            if not title_seen and _matches_title(bare, title) and _title_like(bare, 16):
                out.append("# " + bare)
                title_seen = True
                unindented_title_open = False
                continue
            if bare.endswith("?") and len(bare.split()) <= 45 and text[:1].isupper():
                heading = bare
                if b.indent == 0 and unindented_title_open:
                    level += 1
            elif (BULLET.match(text) and _title_like(bare)) or (_NUMBERED.match(text) and _title_like(bare)):
                heading = bare
            elif _title_like(bare, 10) and not BULLET.match(text):
                heading = bare
                if b.indent == 0:
                    unindented_title_open = True
            if heading is not None and 0 < b.indent <= 2:
                unindented_title_open = False  # a collapsible section starts afresh
        if heading is not None:
            out.append("#" * (level + 1) + " " + heading)
            continue
        out.append(_paragraph(b, speaker_turn, speakers))
    return "\n\n".join(out).strip()


def _paragraph(b: _Block, speaker_turn: re.Pattern[str] | None, speakers: dict[str, str]) -> str:
    """Join wrapped lines; keep list items one per line; name the speaker of an interview turn."""
    items: list[str] = []
    for raw in b.lines:
        s = raw.strip()
        if BULLET.match(s) or (_NUMBERED.match(s) and items and _NUMBERED.match(items[-1])):
            items.append("• " + BULLET.sub("", s) if BULLET.match(s) else s)
        elif (items and not BULLET.match(items[-1]) and not _NUMBERED.match(items[-1])) or (
            items and (BULLET.match(items[-1]) or _NUMBERED.match(items[-1])) and s[:1].islower()
        ):
            items[-1] += " " + s
        else:
            items.append(s)
    text = "\n".join(items)
    if speaker_turn is not None:
        m = speaker_turn.match(text)
        if m:
            # Answers are tagged by initials only; spell out who is speaking so a question
            # about "the Somerset CCG" can find David Slack's answers.
            tag = m.group(1)
            text = turn_label(tag, speakers[tag]) + text[m.end() :]
    return text


def sections(text: str, fallback: str) -> list[Section]:
    """Split canonical text at its headings.

    A level-1 heading is the document's title when deeper headings exist: it names only the
    text directly under it. Deeper headings form the path (`How? › 1. Positions on ...`).
    Text before any heading takes `fallback` (the document title) as its path.
    """
    heads: list[tuple[int, int, int, str]] = []  # (line start, line end, level, title)
    for m in re.finditer(r"(?m)^#{1,6}\s+.+$", text):
        hm = _HEADING.match(m.group(0))
        if hm:
            heads.append((m.start(), m.end(), len(hm.group(1)), hm.group(2).strip()))
    levels = {h[2] for h in heads}
    top_is_title = 1 in levels and len(levels) > 1
    out: list[Section] = []
    stack: list[tuple[int, str]] = []
    title = ""
    pos = 0
    current = fallback

    def emit(start: int, end: int) -> None:
        body = text[start:end]
        lead = len(body) - len(body.lstrip())
        trail = len(body.rstrip())
        if body.strip():
            out.append(Section(current or fallback, start + lead, start + trail))

    for start, end, level, head in heads:
        emit(pos, start)
        if level == 1 and top_is_title:
            title, stack = head, []
            current = head
        else:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, head))
            current = SECTION_SEP.join(h for _, h in stack) or title or fallback
        pos = end
    emit(pos, len(text))
    return out
