"""A drafted answer split into claims: its sentences, each with the passage numbers its markers
cite, wherever the model put the marker (". [1] Next" belongs to the sentence before it); and
whether the model declined (the prompt's NOT IN CORPUS)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..retrieval.lexical import normalise_quotes, terms
from ..retrieval.sentences import split_sentences

# --- splitting a draft into claims --------------------------------------------------------

_MARK_BODY = r"\d{1,2}(?:\s*[,;–-]\s*\d{1,2})*"
_MARK = re.compile(rf"\[\s*({_MARK_BODY})\s*\]")
_MARK_RUN = rf"(?:\s*\[\s*{_MARK_BODY}\s*\])+"
# "website. [1] You should" and "website.[1][2]": the marker belongs before the full stop.
_MARK_AFTER_STOP = re.compile(rf"([.!?])({_MARK_RUN})(?=\s|$)")
# "website [1] You should": a marker with no full stop, followed by a new sentence.
_MARK_AS_STOP = re.compile(rf"(?<=[\w)%])({_MARK_RUN})\s+(?=[A-Z][a-z])")
_DECLINE = re.compile(r"\bNOT\s+IN\s+(?:THE\s+)?CORPUS\b", re.IGNORECASE)
_LEAD = re.compile(r"^\s*(?:answer\s*:|[-*•]\s+|\d{1,2}[.)]\s+)", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One sentence of a draft, without its markers, and the passage numbers it cites."""

    text: str
    cites: tuple[int, ...]


def _numbers(marker_body: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", marker_body):
        lo, _, hi = re.sub(r"\s*[–-]\s*", "-", part).partition("-")
        if hi and lo.isdigit() and hi.isdigit() and int(lo) <= int(hi) <= int(lo) + 5:
            out.extend(range(int(lo), int(hi) + 1))
        elif lo.isdigit():
            out.append(int(lo))
    return out


def split_claims(draft: str) -> list[Claim]:
    """The draft's sentences, each with the passage numbers its markers cite."""
    text = normalise_quotes(draft).replace("**", "").replace("__", "")
    text = _MARK_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    text = _MARK_AS_STOP.sub(lambda m: f"{m.group(1)}. ", text)
    claims: list[Claim] = []
    for s, e in split_sentences(text):
        raw = text[s:e]
        cites = tuple(dict.fromkeys(n for m in _MARK.finditer(raw) for n in _numbers(m.group(1))))
        body = _LEAD.sub("", _MARK.sub("", raw))
        body = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(body.split())).strip()
        if terms(body):
            claims.append(Claim(body, cites))
    return claims


def declined(draft: str) -> bool:
    """The model said the passages do not answer the question (the prompt's NOT IN CORPUS)."""
    return bool(_DECLINE.search(draft))
