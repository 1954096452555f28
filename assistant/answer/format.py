"""Plain-text rendering of answers for the terminal."""

from __future__ import annotations

from ..types import Answer, Citation
from .currency import age_label
from .generate import mode_caption


def source_line(c: Citation) -> str:
    bits = [c.title, c.publisher, age_label(c.published, c.approximate), c.section]
    if c.page is not None:
        bits.append(f"p. {c.page}")
    return " · ".join(b for b in bits if b)


def render_answer(answer: Answer, full: bool = False) -> str:
    lines = [answer.text, ""]
    if not answer.refused:
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
