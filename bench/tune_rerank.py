"""Choose the reranker's weights by cross-validation on the development set.

Each answerable dev item's asks go through the production path (`Assistant.retrieve`); for each
fold the best weights on the training folds are scored on the held-out fold, so a choice that
only fits some questions shows up. Prints held-out MRR and hit@5 per fold and overall.
Run: python bench/tune_rerank.py   (needs an ingested index; never run on the test split)
"""

from __future__ import annotations

import itertools
import random

from assistant import Assistant
from assistant.retrieval.retrieve import RerankWeights
from assistant.types import Turn
from evals.dataset import DEV_SET, load_dataset
from evals.metrics import first_found_rank

FOLDS = 4


def main() -> None:
    a = Assistant()
    a.warm()
    items = [i for i in load_dataset(DEV_SET) if i.answerable]
    grid = [
        RerankWeights(s, d, f, h, lx)
        for s, d, f, h, lx in itertools.product(
            (0.1, 0.2, 0.35), (0.2, 0.35, 0.5), (0.15, 0.3, 0.5), (0.0, 0.1, 0.2), (0.0, 0.1, 0.2, 0.3)
        )
    ]
    turns = [[Turn(**h) for h in it.history] for it in items]
    # One retrieval per weight setting and item: the ranks the evidence reaches.
    ranks: dict[RerankWeights, list[int | None]] = {}
    for w in grid:
        row = []
        for it, t in zip(items, turns, strict=True):
            parts = a.retrieve(it.question, t, weights=w)
            from assistant.answer.respond import interleave

            hits = interleave([p.hits for p in parts], 10)
            row.append(first_found_rank(it.evidence, [h.chunk.text for h in hits]))
        ranks[w] = row

    def score(w: RerankWeights, subset: list[int]) -> tuple[float, float]:
        rs = [ranks[w][i] for i in subset]
        return (
            round(sum(1 / r for r in rs if r) / len(rs), 4),
            round(sum(bool(r and r <= 5) for r in rs) / len(rs), 4),
        )

    idx = list(range(len(items)))
    random.Random(7).shuffle(idx)
    folds = [idx[k::FOLDS] for k in range(FOLDS)]
    held: list[int | None] = [None] * len(items)
    for k in range(FOLDS):
        test = folds[k]
        train = [i for j, f in enumerate(folds) if j != k for i in f]
        best = max(grid, key=lambda w: score(w, train))
        print(f"fold {k}: {best} → train {score(best, train)}, held-out {score(best, test)}")
        for i in test:
            held[i] = ranks[best][i]
    n = len(items)
    mrr = sum(1 / r for r in held if r) / n
    hit5 = sum(bool(r and r <= 5) for r in held) / n
    print(f"held-out overall: MRR {mrr:.4f}, hit@5 {hit5:.4f}")
    default = RerankWeights()
    print(f"current default {default}: {score(default, idx)}")
    best_all = max(grid, key=lambda w: score(w, idx))
    print(f"best on all items {best_all}: {score(best_all, idx)}")


if __name__ == "__main__":
    main()
