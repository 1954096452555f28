"""Choose the reranker's weights by cross-validation on the development set, at one or more
corpus sizes.

Each answerable dev item goes once through the production path (`Assistant.retrieve`) per index;
every candidate's signals (best sentence, dense, fusion, heading, BM25, proximity) are kept, and each weight
setting re-scores them in numpy, so a grid costs seconds, not a retrieval per setting. For each
of four folds the setting best on the other three (mean of MRR and hit@5 over all the indexes
given) is scored on the held-out fold; the held-out figures are the ones to believe.

Indexes: the configured data folder by default; give several to choose weights that hold as the
corpus grows, e.g. the 1× one and bench/scale.py's 100× one:

    python bench/tune_rerank.py var /tmp/guidance-scale/data-100x-embedded

In an index holding more than the five real documents, only passages of the real documents
count as found (as in bench/scale.py: a rewritten near-copy elsewhere is not the source).
Never run on the test split.
"""

from __future__ import annotations

import argparse
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings
from assistant.retrieval.retrieve import Candidate, RerankWeights
from assistant.types import Turn
from evals.dataset import DEV_SET, Item, load_dataset
from evals.metrics import containment

ROOT = Path(__file__).resolve().parents[1]
REAL_FILES = {p.name for p in (ROOT / "corpus").iterdir() if p.is_file() and p.name != "manifest.toml"}
FOLDS = 4
FOUND = 0.7  # evidence containment that counts a passage as holding it (as the evaluation does)
GRID = {
    "sentence": (0.1, 0.2, 0.3, 0.35, 0.5),
    "dense": (0.2, 0.35, 0.5, 0.7),
    "fusion": (0.0, 0.15, 0.3),
    "heading": (0.1, 0.2, 0.3),
    "lexical": (0.1, 0.15, 0.2, 0.3),
    "proximity": (0.0, 0.05, 0.1, 0.2),
}


@dataclass(frozen=True)
class Signals:
    """One item's candidates at one index: a row per candidate."""

    features: np.ndarray  # sentence, dense, fusion (rrf / best), heading (titled), lexical / best, proximity
    rest: np.ndarray  # the part of the score the grid leaves alone: conversation and definition
    found: np.ndarray  # holds the evidence (in a real document)


def _features(cands: list[Candidate]) -> np.ndarray:
    top_rrf = max(c.rrf for c in cands) or 1.0
    top_lex = max(c.lexical for c in cands) or 1.0
    return np.array(
        [[c.sentence, c.dense, c.rrf / top_rrf, c.titled, c.lexical / top_lex, c.proximity] for c in cands],
        dtype=np.float64,
    )


def _weights(w: RerankWeights) -> np.ndarray:
    """The weights of the signals the grid varies, in GRID's order."""
    return np.array([getattr(w, name) for name in GRID])


def collect(data_dir: Path, items: list[Item]) -> list[Signals | None]:
    settings = Settings.from_env().replace(data_dir=data_dir)
    assistant = Assistant(settings)
    used = _weights(RerankWeights())
    docs = assistant.documents()
    real_only = any(d.file not in REAL_FILES for d in docs)
    out: list[Signals | None] = []
    for n, item in enumerate(items, 1):
        parts = assistant.retrieve(item.question, [Turn(**h) for h in item.history])
        cands = parts[0].cands if parts else []
        if not cands:
            out.append(None)
            continue
        feats = _features(cands)
        found = np.array(
            [
                (not real_only or c.chunk.file in REAL_FILES)
                and any(containment(e, c.chunk.text) >= FOUND for e in item.evidence)
                for c in cands
            ]
        )
        rest = np.array([c.score for c in cands]) - feats @ used
        out.append(Signals(feats, rest, found))
        if n % 50 == 0:
            print(f"  {data_dir}: {n}/{len(items)} items", flush=True)
    return out


def ranks(signals: list[Signals | None], weights: np.ndarray) -> list[int | None]:
    out: list[int | None] = []
    for s in signals:
        if s is None:
            out.append(None)
            continue
        order = np.argsort(-(s.features @ weights + s.rest), kind="stable")
        hit = np.flatnonzero(s.found[order])
        out.append(int(hit[0]) + 1 if len(hit) else None)
    return out


def figures(rs: list[int | None], subset: list[int]) -> tuple[float, float]:
    picked = [rs[i] for i in subset]
    mrr = sum(1 / r for r in picked if r) / len(picked)
    hit5 = sum(1 for r in picked if r and r <= 5) / len(picked)
    return round(mrr, 4), round(hit5, 4)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dirs", nargs="*", type=Path, help="indexes to tune over (default: the configured one)")
    args = p.parse_args()
    dirs = args.data_dirs or [Settings.from_env().data_dir]
    items = [i for i in load_dataset(DEV_SET) if i.answerable]
    signals = {d: collect(d, items) for d in dirs}
    # Items whose evidence some candidate holds at the first (smallest) index: the rest say
    # nothing about weights.
    keep = [i for i, s in enumerate(signals[dirs[0]]) if s is not None and s.found.any()]
    signals = {d: [signals[d][i] for i in keep] for d in dirs}
    grid = [np.array(w) for w in itertools.product(*GRID.values())]
    table = {tuple(w): {d: ranks(signals[d], w) for d in dirs} for w in grid}
    idx = list(range(len(keep)))

    def objective(w: tuple[float, ...], subset: list[int]) -> float:
        return float(np.mean([sum(figures(table[w][d], subset)) for d in dirs]))

    order = idx[:]
    random.Random(7).shuffle(order)
    folds = [order[k::FOLDS] for k in range(FOLDS)]
    held: dict[Path, list[int | None]] = {d: [None] * len(idx) for d in dirs}
    for k, test in enumerate(folds):
        train = [i for j, f in enumerate(folds) if j != k for i in f]
        best = max(table, key=lambda w: objective(w, train))
        shown = ", ".join(f"{d}: {figures(table[best][d], test)}" for d in dirs)
        print(f"fold {k}: {dict(zip(GRID, map(float, best), strict=True))} → held-out (MRR, hit@5) {shown}")
        for d in dirs:
            for i in test:
                held[d][i] = table[best][d][i]
    print(f"{len(idx)} items; held-out overall (MRR, hit@5):")
    for d in dirs:
        print(f"  {d}: {figures(held[d], idx)}")
    current = _weights(RerankWeights())
    for name, w in (("current default", current), ("best on all items", None)):
        if w is None:
            w = np.array(max(table, key=lambda w: objective(w, idx)))
        shown = ", ".join(f"{d}: {figures(ranks(signals[d], w), idx)}" for d in dirs)
        print(f"{name} {dict(zip(GRID, w.tolist(), strict=True))}: {shown}")


if __name__ == "__main__":
    main()
