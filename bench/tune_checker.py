"""Fit the support checker's thresholds by cross-validation on the labelled checker set.

    python bench/tune_checker.py [--dataset evals/datasets/checker.jsonl] [--write]

Each pair's features (token containment, weakest clause, embedding similarity, and the hard
problems: numbers, names, negation, modality) are computed once with the real checker and the
packaged embedding model. On each training fold a grid search picks the thresholds that keep the
most supported sentences while accepting no unsupported one (ties: the strictest); the held-out
fold is judged with them. Repeated stratified 5-fold (by kind), so every pair is judged by
thresholds that never saw it. The printed precision and recall are those held-out figures; the
final thresholds are fitted on the whole set and, with --write, stored in
assistant/data/checker.json with the held-out figures beside them.

Never fitted on the evaluation's dev or test questions: the set is built by
bench/make_checker_set.py from the corpus alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.generation.checker import Features, SupportChecker, Thresholds  # noqa: E402
from assistant.generation.facts import corpus_names  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.types import Chunk  # noqa: E402

DATASET = ROOT / "evals" / "datasets" / "checker.jsonl"
OUT = ROOT / "assistant" / "data" / "checker.json"
FOLDS, REPEATS, SEED = 5, 10, 13
GRID = {
    "accept": np.round(np.arange(0.60, 1.0001, 0.05), 3),
    "similarity": np.round(np.arange(0.50, 0.9501, 0.025), 3),
    "floor": np.round(np.arange(0.0, 0.7001, 0.05), 3),
    "clause": np.round(np.arange(0.0, 0.8001, 0.05), 3),
}


def load_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def row_chunk(r: dict[str, Any]) -> Chunk:
    return Chunk(
        chunk_id=r["chunk_id"],
        doc_id=r["doc_id"],
        file="",
        title=r["title"],
        publisher=r["publisher"],
        published="",
        section=r["section"],
        page=None,
        start=0,
        end=0,
        text=r["passage"],
    )


def pair_features(rows: Sequence[dict[str, Any]], checker: SupportChecker) -> list[Features]:
    return [checker.features_many([r["sentence"]], [row_chunk(r)])[0][0] for r in rows]


def default_checker(rows: Sequence[dict[str, Any]]) -> SupportChecker:
    """The checker as the assistant builds it: the packaged model, names known from the corpus."""
    from assistant.wiring import build_embedder

    embedder = build_embedder(Settings.from_env())
    known = corpus_names(list({r["passage"] for r in rows}))
    return SupportChecker(Thresholds(), embed=embedder.embed, known_names=known)


def accepted_grid(feats: Sequence[Features]) -> tuple[np.ndarray, list[tuple[float, ...]]]:
    """accept[g, i]: whether grid point g accepts pair i."""
    cont = np.array([f.containment for f in feats])
    clause = np.array([f.clause_min for f in feats])
    sim = np.array([f.similarity for f in feats])
    clean = np.array([not f.problems for f in feats])
    points = [
        (a, s, fl, c)
        for a in GRID["accept"]
        for s in GRID["similarity"]
        for fl in GRID["floor"]
        for c in GRID["clause"]
        if fl <= a
    ]
    p = np.array(points)
    ok = (
        clean[None, :]
        & (clause[None, :] >= p[:, 3:4])
        & ((cont[None, :] >= p[:, 0:1]) | ((cont[None, :] >= p[:, 2:3]) & (sim[None, :] >= p[:, 1:2])))
    )
    return ok, [tuple(float(x) for x in pt) for pt in points]


def choose(ok: np.ndarray, points: list[tuple[float, ...]], labels: np.ndarray, idx: np.ndarray) -> int:
    """The grid point with no false accept on `idx` and the most true accepts (ties: strictest)."""
    sub = ok[:, idx]
    y = labels[idx]
    false_acc = (sub & ~y[None, :]).sum(axis=1)
    true_acc = (sub & y[None, :]).sum(axis=1)
    score = np.where(false_acc == 0, true_acc, -1)
    best = score.max()
    ties = [g for g in np.flatnonzero(score == best)]
    return int(max(ties, key=lambda g: points[g]))


def stratified_folds(kinds: Sequence[str], rng: np.random.Generator) -> list[np.ndarray]:
    folds: list[list[int]] = [[] for _ in range(FOLDS)]
    for kind in sorted(set(kinds)):
        members = np.array([i for i, k in enumerate(kinds) if k == kind])
        rng.shuffle(members)
        for j, i in enumerate(members):
            folds[j % FOLDS].append(int(i))
    return [np.array(sorted(f)) for f in folds]


def cross_validate(ok: np.ndarray, points: list[tuple[float, ...]], labels: np.ndarray, kinds: list[str]) -> dict:
    rng = np.random.default_rng(SEED)
    per_repeat = []
    kind_accept: dict[str, list[float]] = {k: [] for k in sorted(set(kinds))}
    for _ in range(REPEATS):
        predicted = np.zeros(len(labels), dtype=bool)
        for fold in stratified_folds(kinds, rng):
            train = np.setdiff1d(np.arange(len(labels)), fold)
            g = choose(ok, points, labels, train)
            predicted[fold] = ok[g, fold]
        tp = int((predicted & labels).sum())
        fp = int((predicted & ~labels).sum())
        per_repeat.append(
            (tp / max(1, tp + fp), tp / max(1, int(labels.sum())), fp, int((~labels).sum()), int(labels.sum()))
        )
        for k in kind_accept:
            members = [i for i, kk in enumerate(kinds) if kk == k]
            kind_accept[k].append(float(predicted[members].mean()))
    prec = float(np.mean([r[0] for r in per_repeat]))
    rec = float(np.mean([r[1] for r in per_repeat]))
    return {
        "heldout_precision": round(prec, 4),
        "heldout_recall": round(rec, 4),
        "heldout_false_accepts_per_repeat": [r[2] for r in per_repeat],
        "heldout_accept_rate_by_kind": {k: round(float(np.mean(v)), 4) for k, v in kind_accept.items()},
        "folds": FOLDS,
        "repeats": REPEATS,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", type=Path, default=DATASET)
    p.add_argument("--write", action="store_true", help=f"store the fitted thresholds in {OUT}")
    args = p.parse_args()
    rows = load_rows(args.dataset)
    checker = default_checker(rows)
    feats = pair_features(rows, checker)
    labels = np.array([bool(r["supported"]) for r in rows])
    kinds = [str(r["kind"]) for r in rows]
    ok, points = accepted_grid(feats)
    cv = cross_validate(ok, points, labels, kinds)
    g = choose(ok, points, labels, np.arange(len(rows)))
    a, s, fl, c = points[g]
    final = ok[g]
    print(f"{len(rows)} pairs ({int(labels.sum())} supported, {int((~labels).sum())} unsupported)")
    prec, rec = cv["heldout_precision"], cv["heldout_recall"]
    print(f"held-out ({FOLDS}-fold x {REPEATS}): precision {prec:.3f}, recall {rec:.3f}")
    print("held-out accepted share by kind:")
    for k, v in cv["heldout_accept_rate_by_kind"].items():
        print(f"  {k:<14} {v:.3f}")
    print(f"fitted on all pairs: accept {a}, similarity {s}, floor {fl}, clause {c}")
    members = {k: [i for i, kk in enumerate(kinds) if kk == k] for k in sorted(set(kinds))}
    in_sample = {k: round(float(final[m].mean()), 4) for k, m in members.items()}
    print("in-sample accepted share by kind: " + ", ".join(f"{k} {v:.3f}" for k, v in in_sample.items()))
    for i, r in enumerate(rows):
        if r["supported"] and not final[i]:
            print(f"  rejected {r['kind']}: {r['sentence'][:110]!r} — {feats[i]}")
    if args.write:
        thresholds = Thresholds(
            a,
            s,
            fl,
            c,
            fitted={
                **cv,
                "pairs": len(rows),
                "in_sample_accept_rate_by_kind": in_sample,
                "dataset": args.dataset.name,
                "date": dt.date.today().isoformat(),
            },
        )
        OUT.write_text(json.dumps(thresholds.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"written to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
