"""Fit the answerability model on the dev set by cross-validation; write it as a package file.

    python bench/tune_answerability.py [--dataset evals/datasets/dev.jsonl] [--write]

Signals come from the real pipeline (`Assistant.ask`, answerability reported per ask). A
logistic regression is fitted on each training fold and scores the held-out fold (repeated
stratified 5-fold), so every item gets probabilities from models that never saw it. The two
thresholds are chosen on those held-out probabilities only:

- refuse_below: the highest threshold at which at most MAX_FALSE_REFUSAL of answerable items
  fall below it (an item is refused only when every ask is);
- answer_at: the lowest threshold at or above refuse_below at which at most
  MAX_UNANSWERABLE_ANSWERED of unanswerable items are answered outright; between the two, the
  reply is partial.

The figures printed (and stored in the file's "fitted" section) are the held-out ones. The
final weights are refitted on the whole dev set. Never run this on the test split.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from assistant import Assistant, Settings
from assistant.gate.answerability import ASKS_NOW, FEATURES, QA_FEATURES
from assistant.gate.model import AnswerabilityModel, Logistic
from evals.dataset import DEV_SET, HOLDOUT_GLOB, TEST_SET, load_dataset

OUT = Path(__file__).resolve().parent.parent / "assistant" / "data" / "answerability.json"
# Below issue 11's 0.03: a refused answerable question is the worse failure (a partial answer to
# an unanswerable one says plainly that the guidance may not answer), and false refusals on
# questions nobody tuned to have run at two to six times the held-out dev figure. At 0.02 the
# threshold moves from 0.144 to 0.130: held-out refusal recall 0.561 -> 0.509; on dev itself
# one unanswerable item fewer is refused. (0.015 drops it to 0.14: three answerable items sit
# at the very bottom.) 0.015 since the twenty-third session: refitted on the signals as they now
# are, 0.02 put the threshold at 0.28 (from 0.22) and held-out false refusals were 0.019 while
# questions nobody tuned to ran at 1 to 2 times that; 0.015 keeps the expected unseen figure
# under issue 11's 0.03.
MAX_FALSE_REFUSAL = 0.015
# 0.10 until the twelfth session. Refitted on the 517-item dev set (its later items are chattier and
# harder to tell apart), 0.10 held out hedged 56% of answerable items as partial (the fit on 325
# items: 34%); 0.15 holds it at 38%, as before, with refusals and false refusals unchanged (they
# depend on refuse_below alone): 0.10 / 0.15 / 0.20 gave partial 0.565 / 0.376 / 0.260 and
# near-misses answered outright 0.095 / 0.150 / 0.197. A caveat on most right answers would teach
# readers to skip it.
MAX_UNANSWERABLE_ANSWERED = 0.15
# Tried with the same cross-validation: C of 0.03 to 3 and gradient boosting with monotone
# constraints; held-out refusal recall moved between 0.38 and 0.77 at false refusals 0.03 with
# no setting consistently ahead (47 unanswerable items: one item is 0.02), so C stays at 1.
FOLDS, REPEATS, C = 5, 10, 1.0
ANSWER_ALL = AnswerabilityModel((0.0,) * len(FEATURES), 0.0, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), 0, 0, {})


def collect(bot: Assistant, dataset: Path) -> tuple[list[list[dict[str, float]]], np.ndarray, list[str]]:
    """Per item: the signals of each ask; the item's label (answerable); its category."""
    rows, labels, cats = [], [], []
    for item in load_dataset(dataset):
        answer = bot.ask(item.question, item.history)
        rows.append([a["signals"] for a in answer.answerability])
        labels.append(item.answerable)
        cats.append(item.category)
    return rows, np.array(labels), cats


def fit(x: np.ndarray, y: np.ndarray, features: tuple[str, ...] = FEATURES) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=1000).fit((x - mean) / scale, y)
    return Logistic(
        features,
        tuple(float(w) for w in lr.coef_[0]),
        float(lr.intercept_[0]),
        tuple(float(m) for m in mean),
        tuple(float(s) for s in scale),
    )


def matrix(
    items: list[list[dict[str, float]]], labels: np.ndarray, features: tuple[str, ...] = FEATURES
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One row per ask, with its item's label, the item's index and whether the ask is about today."""
    x = [[s.get(f, 0.0) for f in features] for asks in items for s in asks]
    y = [labels[i] for i, asks in enumerate(items) for _ in asks]
    owner = [i for i, asks in enumerate(items) for _ in asks]
    now = [s.get(ASKS_NOW, 0.0) > 0 for asks in items for s in asks]
    return np.array(x), np.array(y), np.array(owner), np.array(now)


def held_out(
    items: list[list[dict[str, float]]], labels: np.ndarray, features: tuple[str, ...] = FEATURES
) -> tuple[np.ndarray, np.ndarray]:
    """Each item's probability (its best ask's), from models fitted without it, averaged over
    repeats; and whether that ask is about today (answered at most in part) in most repeats."""
    from sklearn.model_selection import StratifiedKFold

    x, y, owner, now = matrix(items, labels, features)
    total, about_now = np.zeros(len(items)), np.zeros(len(items))
    for seed in range(REPEATS):
        folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
        for train_items, test_items in folds.split(np.zeros(len(items)), labels):
            train = np.isin(owner, train_items)
            model = fit(x[train], y[train], features)
            for i in test_items:
                probs = [model.probability(dict(zip(features, row, strict=True))) for row in x[owner == i]]
                best = int(np.argmax(probs))
                total[i] += probs[best]
                about_now[i] += now[owner == i][best]
    return total / REPEATS, about_now / REPEATS >= 0.5


def thresholds(
    p: np.ndarray, labels: np.ndarray, now: np.ndarray, max_false_refusal: float = MAX_FALSE_REFUSAL
) -> tuple[float, float]:
    ans, una = np.sort(p[labels]), p[~labels]
    allowed = int(np.floor(max_false_refusal * len(ans)))
    refuse_below = float(ans[allowed]) if allowed < len(ans) else 0.0  # at most `allowed` strictly below
    candidates = sorted({refuse_below, *[float(v) for v in p if v >= refuse_below]})
    una_now = now[~labels]
    answer_at = next(
        (t for t in candidates if np.mean((una >= t) & ~una_now) <= MAX_UNANSWERABLE_ANSWERED),
        max(candidates) + 1e-6,
    )
    return refuse_below, min(answer_at, 1.0)


def qa_threshold(p: np.ndarray, pq: np.ndarray, labels: np.ndarray, now: np.ndarray, refuse_below: float) -> float:
    """The QA model's answer threshold: the lowest at which at most MAX_UNANSWERABLE_ANSWERED of
    unanswerable items are answered outright (refusal stays the first model's)."""
    kept = (p >= refuse_below) & ~now
    una = ~labels
    candidates = sorted({float(v) for v in pq})
    return min(
        next(
            (t for t in candidates if np.mean((kept & (pq >= t))[una]) <= MAX_UNANSWERABLE_ANSWERED),
            max(candidates) + 1e-6,
        ),
        1.0,
    )


def figures(
    p: np.ndarray,
    labels: np.ndarray,
    now: np.ndarray,
    refuse_below: float,
    answer_at: float,
    answered_by: np.ndarray | None = None,
) -> dict[str, float]:
    """Held-out rates; `answered_by`: which items the QA model answers (default: p >= answer_at)."""
    answered = ((p >= answer_at) if answered_by is None else answered_by) & ~now
    kept = p >= refuse_below
    answered &= kept
    ans, una = labels, ~labels
    return {
        "false_refusal_rate": round(float(np.mean(~kept[ans])), 4),
        "partial_rate": round(float(np.mean((kept & ~answered)[ans])), 4),
        "refusal_recall": round(float(np.mean(~kept[una])), 4),
        "partial_unanswerable_rate": round(float(np.mean((kept & ~answered)[una])), 4),
        "unanswerable_answered": round(float(np.mean(answered[una])), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", type=Path, default=DEV_SET)
    ap.add_argument("--write", action="store_true", help=f"write the fitted model to {OUT}")
    ap.add_argument(
        "--max-false-refusal",
        type=float,
        default=MAX_FALSE_REFUSAL,
        help=f"held-out false refusals the refusal threshold allows (default {MAX_FALSE_REFUSAL})",
    )
    args = ap.parse_args()
    if args.dataset.resolve() == TEST_SET.resolve() or args.dataset.match(HOLDOUT_GLOB):
        raise SystemExit("the test and holdout splits are never tuned on")
    bot = Assistant(Settings.from_env(), answerability=ANSWER_ALL)
    bot.warm()
    items, labels, _cats = collect(bot, args.dataset)
    p, now = held_out(items, labels)
    # The trade-off the threshold sits on, held out: refusal recall at each false-refusal budget.
    for budget in (0.01, 0.02, 0.03, 0.04, 0.05):
        rb, aa = thresholds(p, labels, now, budget)
        f = figures(p, labels, now, rb, aa)
        print(
            f"false refusals <= {budget:.2f}: refuse below {rb:.3f}, held-out false refusals "
            f"{f['false_refusal_rate']:.3f}, refusal recall {f['refusal_recall']:.3f}"
        )
    refuse_below, answer_at = thresholds(p, labels, now, args.max_false_refusal)
    held = figures(p, labels, now, refuse_below, answer_at)
    # Threshold-free: how well the held-out probabilities rank answerable items above the rest.
    held["auc"] = round(float(roc_auc_score(labels, p)), 4)
    x, y, _, _ = matrix(items, labels)
    final = fit(x, y)
    # The second model, with the QA model's signal, decides between an answer and a partial one.
    with_qa = bot.qa_vectors is not None
    qa_answer_at, answer_model, held_qa = 1.0, None, {}
    if with_qa:
        pq, _ = held_out(items, labels, QA_FEATURES)
        qa_answer_at = qa_threshold(p, pq, labels, now, refuse_below)
        held_qa = figures(p, labels, now, refuse_below, answer_at, answered_by=pq >= qa_answer_at)
        held_qa["auc"] = round(float(roc_auc_score(labels, pq)), 4)
        xq, yq, _, _ = matrix(items, labels, QA_FEATURES)
        answer_model = fit(xq, yq, QA_FEATURES)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    fitted: dict[str, Any] = {
        "dataset": str(args.dataset.name),
        "items": len(items),
        "answerable": int(labels.sum()),
        "cross_validation": f"{REPEATS}x stratified {FOLDS}-fold, thresholds on held-out probabilities",
        "max_false_refusal": args.max_false_refusal,
        "held_out": held,
        "held_out_with_qa": held_qa,
        "date": dt.date.today().isoformat(),
        "commit": commit,
    }
    model = AnswerabilityModel(
        final.weights, final.bias, final.mean, final.scale, answer_at, refuse_below, fitted, answer_model, qa_answer_at
    )
    print(json.dumps({"refuse_below": round(refuse_below, 4), "answer_at": round(answer_at, 4), **held}, indent=2))
    print("weights:", {f: round(w, 3) for f, w in zip(FEATURES, final.weights, strict=True)})
    if answer_model is not None:
        print("with the QA model:", json.dumps({"qa_answer_at": round(qa_answer_at, 4), **held_qa}, indent=2))
        print("weights:", {f: round(w, 3) for f, w in zip(QA_FEATURES, answer_model.weights, strict=True)})
    if args.write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"written to {OUT}")


if __name__ == "__main__":
    main()
