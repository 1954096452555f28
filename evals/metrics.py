"""Exact, LLM-free metric definitions, so that figures compare across tools and runs.

- tokens: lowercase alphanumeric runs, after curly quotes and dashes are normalised.
- containment(quote, passage): share of the quote's tokens (as a multiset) present in the passage.
- evidence found at rank r: the r-th retrieved passage has containment >= 0.7 for any quote.
- key fact found: any of its phrasings is a case-insensitive substring of the answer
  (quotes and whitespace normalised).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from assistant.gate.answerability import SUBJECT_UNKNOWN
from assistant.gate.bodies import CCG_UNWRITTEN
from assistant.gate.caps import COUNT_UNSTATED, SUM_UNSTATED
from assistant.gate.persons import ORGANISATION_UNNAMED, PERSON_NOW, PERSON_UNNAMED

FOUND = 0.7
# The figures shown when retrievers are compared (CLI table and HTML report).
COMPARED = (
    "hit@1",
    "hit@3",
    "hit@5",
    "mrr",
    "key_fact_recall",
    "lead_fact_rate",
    "citation_support",
    "refusal_recall",
    "false_refusal_rate",
    "partial_rate",
    "latency_p50_ms",
    "latency_p95_ms",
)
_TOKEN = re.compile(r"[a-z0-9]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-", "−": "-"})


def normalise_text(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.translate(_QUOTES).lower())


def containment(quote: str, passage: str) -> float:
    q = Counter(tokens(quote))
    if not q:
        return 0.0
    p = Counter(tokens(passage))
    return sum((q & p).values()) / sum(q.values())


def first_found_rank(evidence: Sequence[str], passages: Sequence[str]) -> int | None:
    for rank, passage in enumerate(passages, start=1):
        if any(containment(q, passage) >= FOUND for q in evidence):
            return rank
    return None


def missing_facts(key_facts: Sequence[Sequence[str]], answer: str) -> list[str]:
    """The key facts `answer` does not state, each by its first phrasing."""
    text = normalise_text(answer).lower()
    return [alts[0] for alts in key_facts if not any(normalise_text(p).lower() in text for p in alts)]


# The rules' signals that refuse an ask on their own (gate/), named in a failing item's reason.
_RULES = (
    SUBJECT_UNKNOWN,
    CCG_UNWRITTEN,
    PERSON_NOW,
    PERSON_UNNAMED,
    ORGANISATION_UNNAMED,
    SUM_UNSTATED,
    COUNT_UNSTATED,
)


def refusal_reason(answer: dict[str, Any]) -> str:
    """Why the assistant refused, from `--json`'s `answerability`: the rule or the reason it gave,
    else the model's probability and the yes-or-no signals it read as 1 (" (probability 0.009;
    acronym_unknown)"); "" when the answer carries none."""
    parts = [p for p in answer.get("answerability") or [] if p.get("outcome") == "refuse"]
    if not parts:
        return ""
    part = parts[0]
    for key, label in (("outside", "outside the guidance's nations"), ("superseded", "came after the documents")):
        if part.get(key):
            return f" ({label}: {part[key]})"
    if part.get("clinical"):
        return " (clinical advice)"
    if part.get("off_subject"):
        return " (no word of it is the guidance's)"
    if part.get("language"):
        return f" (written in {part['language']})"
    signals = part.get("signals") or {}
    rules = [k for k in _RULES if signals.get(k)]
    if rules:
        return f" ({', '.join(rules)})"
    flags = [k for k, v in signals.items() if v == 1.0]
    probability = part.get("probability")
    said = [f"probability {probability:.3f}"] if isinstance(probability, float) else []
    return f" ({'; '.join(said + flags)})" if said or flags else ""


def key_fact_recall(key_facts: Sequence[Sequence[str]], answer: str) -> float:
    if not key_facts:
        return 1.0
    text = normalise_text(answer).lower()
    found = sum(any(normalise_text(p).lower() in text for p in alts) for alts in key_facts)
    return found / len(key_facts)


_MARKER = re.compile(r"\[\d+\]")


def lead_of(answer: str) -> str:
    """The answer's first cited unit: its first sentence (or list, with its lead-in), after any
    plain line that says the answer is partial and any part's heading."""
    m = _MARKER.search(answer)
    if m is None:
        return ""
    return re.split(r"\n\n|\?\n", answer[: m.end()])[-1].strip()


def lead_has_fact(key_facts: Sequence[Sequence[str]], answer: str) -> bool:
    """Whether the first cited sentence states a key fact: the answer leads with the answer."""
    return key_fact_recall(key_facts, lead_of(answer)) > 0


def citation_supported(evidence: Sequence[str], cited_passages: Sequence[str]) -> bool:
    return any(containment(q, p) >= FOUND for q in evidence for p in cited_passages)


def score_item(item: Any, answer: dict[str, Any]) -> dict[str, Any]:
    """Per-item scores from an item and its recorded answer (the `assistant ask --json` shape)."""
    passages = [r["text"] for r in answer["retrieved"]]
    refused = bool(answer["refused"])
    # A partial answer says the guidance may not answer the question and cites what is close:
    # it is not a refusal (refused is false) and is counted in a column of its own.
    partial = answer.get("outcome") == "partial"
    if not item.answerable:
        return {
            "refused_correctly": refused,
            "partial": partial,
            "passed": refused,
            "why": []
            if refused
            else ["partial answer to an unanswerable question" if partial else "answered an unanswerable question"],
        }
    rank = first_found_rank(item.evidence, passages)
    kf = key_fact_recall(item.key_facts, answer["answer"]) if not refused else 0.0
    lead = lead_has_fact(item.key_facts, answer["answer"]) if not refused and item.key_facts else None
    cited = citation_supported(item.evidence, [c["text"] for c in answer["citations"]]) if not refused else False
    why = []
    if refused:
        why.append("refused an answerable question" + refusal_reason(answer))
    if rank is None or rank > 5:
        why.append("evidence not in the top 5 passages" if rank is None else f"evidence first at rank {rank}")
    if not refused and kf < 1.0:
        missing = missing_facts(item.key_facts, answer["answer"])
        why.append(f"key facts found {kf:.0%} (missing: {'; '.join(repr(m) for m in missing)})")
    if not refused and not cited:
        why.append("no cited passage contains the evidence")
    return {
        "evidence_rank": rank,
        "hit@1": rank is not None and rank <= 1,
        "hit@3": rank is not None and rank <= 3,
        "hit@5": rank is not None and rank <= 5,
        "rr": 1.0 / rank if rank else 0.0,
        "key_fact_recall": kf,
        "lead_fact": lead,
        "citation_supported": cited,
        "refused": refused,
        "partial": partial,
        "passed": not why,
        "why": why,
    }


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Figures over result rows (each with 'answerable', 'scores', 'latency_ms', 'answer')."""
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    answered = [r for r in ans if not r["scores"]["refused"]]

    def mean(xs: Sequence[float]) -> float | None:
        return round(sum(xs) / len(xs), 4) if xs else None

    lat = [r["latency_ms"] for r in rows]
    return {
        "items": len(rows),
        "answerable": len(ans),
        "unanswerable": len(una),
        "hit@1": mean([float(r["scores"]["hit@1"]) for r in ans]),
        "hit@3": mean([float(r["scores"]["hit@3"]) for r in ans]),
        "hit@5": mean([float(r["scores"]["hit@5"]) for r in ans]),
        "mrr": mean([r["scores"]["rr"] for r in ans]),
        "key_fact_recall": mean([r["scores"]["key_fact_recall"] for r in ans]),
        # Of answered questions: the first cited sentence states a key fact (issue 11 §3).
        "lead_fact_rate": mean(
            [float(r["scores"]["lead_fact"]) for r in answered if r["scores"].get("lead_fact") is not None]
        ),
        "citation_support": mean([float(r["scores"]["citation_supported"]) for r in answered]),
        "refusal_recall": mean([float(r["scores"]["refused_correctly"]) for r in una]),
        "false_refusal_rate": mean([float(r["scores"]["refused"]) for r in ans]),
        # Share of answerable questions given a partial answer, and of unanswerable ones.
        "partial_rate": mean([float(r["scores"].get("partial", False)) for r in ans]),
        "partial_unanswerable_rate": mean([float(r["scores"].get("partial", False)) for r in una]),
        "pass_rate": mean([float(r["scores"]["passed"]) for r in rows]),
        "latency_p50_ms": round(percentile(lat, 0.5), 1),
        "latency_p95_ms": round(percentile(lat, 0.95), 1),
        "answer_words_mean": mean([float(len(r["answer"].split())) for r in rows if not r["refused"]]),
        **generation(rows),
    }


def generation(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """With a generator: the share of answers (not refusals) that were generated, and how many
    fell back for each reason. A multi-part or partial answer is quoted without an attempt and
    has no reason."""
    answered = [r for r in rows if not r["refused"]]
    reasons: dict[str, int] = {}
    for r in answered:
        if r.get("fallback_reason"):
            reasons[r["fallback_reason"]] = reasons.get(r["fallback_reason"], 0) + 1
    generated = sum(r.get("mode") == "generated" for r in answered)
    return {
        "generated_share": round(generated / len(answered), 4) if answered else None,
        "generated": generated,
        "fallback_reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
    }
