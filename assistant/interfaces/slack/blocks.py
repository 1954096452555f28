"""Answers as Slack Block Kit, with corpus text escaped for mrkdwn and within Slack's limits."""

from __future__ import annotations

import re
from typing import Any

from ...answer.currency import age_label
from ...types import Answer

SECTION_LIMIT = 3000  # characters in one section's text
MAX_BLOCKS = 50  # blocks in one message
CONTEXT_LIMIT = 2000


def escape(text: str) -> str:
    """Slack mrkdwn control characters: a document can never ping @channel or inject a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split at sentence ends after a citation marker, never inside one; hard-split only if a
    single sentence is longer than the limit."""
    if len(text) <= limit:
        return [text]
    pieces = re.split(r"(?<=\])\s+|\n", text)
    out, current = [], ""
    for piece in pieces:
        while len(piece) > limit:
            cut = piece.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            out.append(piece[:cut])
            piece = piece[cut:].lstrip()
        candidate = f"{current} {piece}".strip() if current else piece
        if len(candidate) > limit:
            out.append(current)
            current = piece
        else:
            current = candidate
    if current:
        out.append(current)
    return out


def _mrkdwn(text: str) -> str:
    """Escaped mrkdwn: list items as bullets, and in a multi-part answer each ask in bold."""
    paragraphs = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        out = []
        for i, line in enumerate(lines):
            if line.startswith("- "):
                out.append("• " + escape(line[2:]))
            elif i == 0 and len(lines) > 1 and line.rstrip().endswith("?"):
                out.append(f"*{escape(line)}*")
            else:
                out.append(escape(line))
        paragraphs.append("\n".join(out))
    return "\n\n".join(paragraphs)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:CONTEXT_LIMIT]}]}


def answer_blocks(answer: Answer, feedback_id: int | None, *, share: bool = False) -> list[list[dict[str, Any]]]:
    """One or more messages' worth of blocks (each at most MAX_BLOCKS)."""
    blocks: list[dict[str, Any]] = []
    if answer.refused:
        blocks.append(_section(":no_entry_sign: " + escape(answer.text.split(" The nearest material")[0])))
        if answer.nearest:
            blocks.append(_context("Nearest material: " + escape("; ".join(answer.nearest))))
    else:
        text = answer.text
        if answer.partial and "\n\n" in text:
            lead, text = text.split("\n\n", 1)
            blocks.append(_context(":grey_question: " + escape(lead)))
        for part in split_text(_mrkdwn(text)):
            blocks.append(_section(part))
        for note in answer.notices:
            blocks.append(_context(":warning: " + escape(note)))
        for c in answer.citations:
            where = " · ".join(
                x
                for x in [
                    escape(c.title),
                    escape(c.publisher),
                    escape(age_label(c.published, c.approximate)),
                    escape(c.section),
                    f"p. {c.page}" if c.page is not None else "",
                ]
                if x
            )
            blocks.append(_context(f"*[{c.n}]* {where}"))
            quote = escape(c.quote)
            blocks.append(_context(("> " + quote)[:CONTEXT_LIMIT]))
    actions: list[dict[str, Any]] = []
    if feedback_id is not None:
        actions += [
            {
                "type": "button",
                "action_id": "feedback_up",
                "text": {"type": "plain_text", "text": "👍 Helpful"},
                "value": str(feedback_id),
            },
            {
                "type": "button",
                "action_id": "feedback_down",
                "text": {"type": "plain_text", "text": "👎 Not helpful"},
                "value": str(feedback_id),
            },
        ]
        if share:
            actions.append(
                {
                    "type": "button",
                    "action_id": "share_answer",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Share in channel"},
                    "value": str(feedback_id),
                }
            )
    messages: list[list[dict[str, Any]]] = []
    room = MAX_BLOCKS - (1 if actions else 0)
    while blocks:
        messages.append(blocks[:room])
        blocks = blocks[room:]
    if actions:
        messages[-1].append({"type": "actions", "elements": actions})
    return messages


def fallback_text(answer: Answer) -> str:
    """Plain text for notifications and clients that cannot show blocks."""
    return escape(answer.text)[:3000]
