"""What doctors ask and what the corpus cannot answer: the figures behind `views/5_Insights.py`.

Everything is computed from `FeedbackStore.rows()` (plain dicts), so it works the same on SQLite
and PostgreSQL and needs no query of its own:

- `questions_per_period`: questions per day (or ISO week) and per source, empty periods as 0;
- `outcome_rates`: the share of refusals and partial answers per period;
- `cluster_questions`: the refused or 👎 questions grouped by meaning (embedding vectors and
  average-linkage agglomerative clustering with a similarity threshold): the gaps to fill;
- `document_citations`: per document, the answers citing it and those of them rated down;
- `to_csv`: any of these as CSV, for the page's downloads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..storage.feedback import MAX_ROWS, FeedbackStore

Row = Mapping[str, Any]
PERIODS = ("day", "week")
# Most questions the page reads and clusters: a year of a busy service is far fewer than this;
# beyond it the page says the figures are of the newest rows only.
MAX_INSIGHT_ROWS = 50_000
# Cosine similarity at which two questions (or groups) are taken to ask the same thing, for the
# packaged MiniLM model: paraphrases score about 0.6-0.9, different topics of the same corpus
# mostly under 0.5.
DEFAULT_SIMILARITY = 0.6


def all_rows(
    store: FeedbackStore,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    *,
    cap: int = MAX_INSIGHT_ROWS,
    page_size: int = MAX_ROWS,
) -> list[dict[str, Any]]:
    """Every stored answer in the range, newest first, read a page at a time (up to `cap`)."""
    out: list[dict[str, Any]] = []
    while len(out) < cap:
        batch = store.rows(since=since, until=until, limit=min(page_size, cap - len(out)), offset=len(out))
        out.extend(batch)
        if len(batch) < page_size:
            break
    return out


def _day(row: Row) -> dt.date:
    return dt.datetime.fromisoformat(str(row["created_at"])).astimezone(dt.UTC).date()


def period_start(day: dt.date, period: str) -> dt.date:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    return day - dt.timedelta(days=day.weekday()) if period == "week" else day


def _periods(rows: Sequence[Row], period: str) -> list[dt.date]:
    """Every period from the first row's to the last's, so a quiet day shows as 0, not a gap."""
    if not rows:
        return []
    days = [_day(r) for r in rows]
    first, last = period_start(min(days), period), period_start(max(days), period)
    step = dt.timedelta(days=7 if period == "week" else 1)
    out = []
    while first <= last:
        out.append(first)
        first += step
    return out


def questions_per_period(rows: Sequence[Row], period: str = "day") -> list[dict[str, Any]]:
    """[{period, web, slack, total}], oldest first."""
    counts: Counter[tuple[dt.date, str]] = Counter((period_start(_day(r), period), str(r["source"])) for r in rows)
    out = []
    for start in _periods(rows, period):
        web, slack = counts[(start, "web")], counts[(start, "slack")]
        out.append({"period": start.isoformat(), "web": web, "slack": slack, "total": web + slack})
    return out


def outcome_rates(rows: Sequence[Row], period: str = "day") -> list[dict[str, Any]]:
    """[{period, questions, answered, partial, refused, refusal_rate, partial_rate}], oldest
    first; the rates are None for a period without questions (no line drawn, not a 0)."""
    counts: Counter[tuple[dt.date, str]] = Counter((period_start(_day(r), period), str(r["outcome"])) for r in rows)
    out = []
    for start in _periods(rows, period):
        answered, partial, refused = (counts[(start, o)] for o in ("answer", "partial", "refuse"))
        total = sum(n for (s, _), n in counts.items() if s == start)
        out.append(
            {
                "period": start.isoformat(),
                "questions": total,
                "answered": answered,
                "partial": partial,
                "refused": refused,
                "refusal_rate": round(refused / total, 4) if total else None,
                "partial_rate": round(partial / total, 4) if total else None,
            }
        )
    return out


def is_gap(row: Row) -> bool:
    """A question the corpus may not answer: refused, or rated down by the doctor."""
    return row.get("outcome") == "refuse" or row.get("rating") == -1


def _normalised(question: str) -> str:
    return re.sub(r"[\s?.!]+$", "", " ".join(question.lower().split()))


@dataclass(frozen=True)
class Cluster:
    """Questions asking much the same thing. `questions` are the distinct wordings with how
    often each was asked, most frequent first; `label` is the most frequent."""

    label: str
    count: int
    refused: int
    rated_down: int
    latest: str
    questions: list[tuple[str, int]]
    feedback_ids: list[int]

    def record(self, rank: int) -> dict[str, Any]:
        return {
            "cluster": rank,
            "label": self.label,
            "questions": self.count,
            "refused": self.refused,
            "rated_down": self.rated_down,
            "latest": self.latest,
            "wordings": " | ".join(f"{q} ({n})" if n > 1 else q for q, n in self.questions),
        }


def agglomerate(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering by cosine similarity: the two most similar groups
    merge while their mean pairwise similarity is at least `threshold`. Groups of row indices, in
    order of their first member."""
    n = len(vectors)
    if n == 0:
        return []
    v = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    v = v / np.where(norms == 0, 1.0, norms)
    sim = v @ v.T
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    members: list[list[int]] = [[i] for i in range(n)]
    while n > 1:
        i, j = divmod(int(np.argmax(sim)), n)
        if not sim[i, j] >= threshold:
            break
        i, j = min(i, j), max(i, j)
        # Lance-Williams update for average linkage: the merged group's mean similarity to every
        # other group is the size-weighted mean of its two parts'.
        merged = (sizes[i] * sim[i] + sizes[j] * sim[j]) / (sizes[i] + sizes[j])
        sim[i, :] = merged
        sim[:, i] = merged
        sim[i, i] = -np.inf
        sim[j, :] = -np.inf
        sim[:, j] = -np.inf
        sizes[i] += sizes[j]
        members[i].extend(members[j])
        members[j] = []
    return [sorted(m) for m in members if m]


def cluster_questions(
    rows: Iterable[Row],
    embed: Callable[[Sequence[str]], np.ndarray],
    threshold: float = DEFAULT_SIMILARITY,
) -> list[Cluster]:
    """The refused or rated-down questions among `rows`, grouped by meaning, largest group first.

    The same wording asked twice (case, spacing and a final "?" aside) is embedded once and
    counted twice. `embed` is the assistant's embedder (`Assistant.embedder.embed`)."""
    gaps = [r for r in rows if is_gap(r)]
    by_text: dict[str, list[Row]] = {}
    for r in gaps:
        by_text.setdefault(_normalised(str(r["question"])), []).append(r)
    keys = list(by_text)
    if not keys:
        return []
    # The newest wording as asked stands for each normalised question.
    shown = [max(by_text[k], key=lambda r: str(r["created_at"]))["question"] for k in keys]
    groups = agglomerate(np.asarray(embed(shown)), threshold)
    clusters = []
    for group in groups:
        asked = [(str(shown[i]), len(by_text[keys[i]])) for i in group]
        asked.sort(key=lambda qa: -qa[1])
        members = [r for i in group for r in by_text[keys[i]]]
        clusters.append(
            Cluster(
                label=asked[0][0],
                count=len(members),
                refused=sum(r.get("outcome") == "refuse" for r in members),
                rated_down=sum(r.get("rating") == -1 for r in members),
                latest=max(str(r["created_at"]) for r in members),
                questions=asked,
                feedback_ids=sorted(int(r["id"]) for r in members),
            )
        )
    # Largest first; among equals, the most recently asked first (sorts are stable).
    clusters.sort(key=lambda c: c.latest, reverse=True)
    clusters.sort(key=lambda c: c.count, reverse=True)
    return clusters


def document_citations(rows: Iterable[Row], titles: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """[{doc_id, title, cited, rated, rated_down, down_share}], most cited first: `cited` counts
    answers citing the document, `rated_down` those of them rated 👎, `down_share` their share of
    the rated ones (None when none was rated)."""
    stats: dict[str, dict[str, Any]] = {}
    for r in rows:
        named = {str(c.get("doc_id")): str(c.get("title") or "") for c in r.get("citations") or []}
        for doc in r.get("doc_ids") or []:
            s = stats.setdefault(
                doc, {"doc_id": doc, "title": named.get(doc) or doc, "cited": 0, "rated": 0, "rated_down": 0}
            )
            s["cited"] += 1
            s["rated"] += r.get("rating") is not None
            s["rated_down"] += r.get("rating") == -1
    out = []
    for s in stats.values():
        if titles and s["doc_id"] in titles:
            s["title"] = titles[s["doc_id"]]
        s["down_share"] = round(s["rated_down"] / s["rated"], 4) if s["rated"] else None
        out.append(s)
    out.sort(key=lambda s: (-s["cited"], -s["rated_down"], s["title"]))
    return out


def to_csv(records: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """`records` as CSV with a header row (None as an empty cell). Text that a spreadsheet would
    take for a formula (a question starting with "=", say) is prefixed with an apostrophe: these
    cells hold what anyone typed into the chat or Slack."""
    cols = list(columns or (records[0].keys() if records else []))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({k: _cell(r.get(k)) for k in cols})
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value
