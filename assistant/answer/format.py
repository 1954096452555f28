"""Rendering answers: plain text for the terminal, and the one reading of an answer's layout
that the web chat and Slack mark up each in their own way."""

from __future__ import annotations

from collections.abc import Callable

from ..generation.generate import mode_caption
from ..types import Answer, Citation
from .currency import age_label


def markup(text: str, *, item: Callable[[str], str], ask: Callable[[str], str], plain: Callable[[str], str]) -> str:
    """`text` with each line marked up: a list item ("- ..."; `item` gets it without the dash),
    a part's ask (in a multi-part answer, a paragraph's first line ending in "?" with the part's
    answer below it), or a plain line."""
    paragraphs = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        out = []
        for i, line in enumerate(lines):
            if line.startswith("- "):
                out.append(item(line[2:]))
            elif i == 0 and len(lines) > 1 and line.rstrip().endswith("?"):
                out.append(ask(line))
            else:
                out.append(plain(line))
        paragraphs.append("\n".join(out))
    return "\n\n".join(paragraphs)


def source_line(c: Citation) -> str:
    bits = [c.title, c.publisher, age_label(c.published, c.approximate), c.section]
    if c.page is not None:
        bits.append(f"p. {c.page}")
    return " · ".join(b for b in bits if b)


def render_answer(answer: Answer, full: bool = False) -> str:
    lines = [answer.text, ""]
    if answer.outcome in ("answer", "partial"):  # not for a refusal or small talk
        lines += [f"({mode_caption(answer.mode, answer.model, answer.fallback_reason)})", ""]
    for note in answer.notices:
        lines.append(f"! {note}")
    if answer.notices:
        lines.append("")
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            lines.append(f"[{c.n}] {source_line(c)}")
            lines.append(f"    “{c.quote}”")
            if full:
                lines.append("    " + c.text.replace("\n", "\n    "))
    return "\n".join(lines).rstrip()
