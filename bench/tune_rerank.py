"""Choose the reranker's weights by 2-fold cross-validation on the development set.

Prints, for the best weights on each half, the MRR and hit@5 they reach on the *other* half,
so a choice that only fits one set of questions shows up. Needs an ingested index.
Run: python bench/tune_rerank.py
"""

from __future__ import annotations

import itertools
import random

from assistant import Assistant
from assistant.retrieve import RerankWeights, Retriever
from assistant.rewrite import standalone_query
from assistant.types import Turn
from evals.dataset import DEV_SET, load_dataset
from evals.metrics import first_found_rank


def main() -> None:
    a = Assistant()
    a.warm()
    items = [i for i in load_dataset(DEV_SET) if i.answerable]
    prepared = []
    for it in items:
        q = standalone_query(it.question, [Turn(**h) for h in it.history])
        prepared.append((it, q, a.embedder.embed([q])[0]))
    grid = [
        RerankWeights(s, d, f, h, lx)
        for s, d, f, h, lx in itertools.product(
            (0.2, 0.35), (0.2, 0.35, 0.5), (0.15, 0.3, 0.5), (0.0, 0.1, 0.2), (0.0, 0.1, 0.2, 0.3)
        )
    ]

    def evaluate(w: RerankWeights, subset: list[int]) -> tuple[float, float]:
        r = Retriever(a.settings, a.store, a.index, w)
        rr, hit = 0.0, 0
        for i in subset:
            it, q, v = prepared[i]
            ranks = first_found_rank(it.evidence, [c.chunk.text for c in r.candidates(q, v)[:10]])
            rr += 1 / ranks if ranks else 0
            hit += bool(ranks and ranks <= 5)
        return rr / len(subset), hit / len(subset)

    idx = list(range(len(prepared)))
    random.Random(7).shuffle(idx)
    halves = [idx[: len(idx) // 2], idx[len(idx) // 2 :]]
    for k in (0, 1):
        train, test = halves[k], halves[1 - k]
        best = max(grid, key=lambda w: evaluate(w, train))
        print(f"fold {k}: best on train {best} → train {evaluate(best, train)}, held-out {evaluate(best, test)}")
    default = RerankWeights()
    print(f"current default {default}: all {evaluate(default, idx)}")
    best_all = max(grid, key=lambda w: evaluate(w, idx))
    print(f"best on all items {best_all}: {evaluate(best_all, idx)}")


if __name__ == "__main__":
    main()
