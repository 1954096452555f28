"""The support checker: its judgements on the issue's examples, marker repair, and its measured
precision and recall on the labelled checker set (evals/datasets/checker.jsonl, built from the
corpus by bench/make_checker_set.py; thresholds fitted by bench/tune_checker.py)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.generation.checker import SupportChecker, packaged_thresholds
from assistant.generation.facts import corpus_names
from assistant.types import Chunk

ROOT = Path(__file__).resolve().parents[3]
CHECKER_SET = ROOT / "evals" / "datasets" / "checker.jsonl"
CORRUPTED = {"negated", "number", "name", "modality", "merged", "wrong_passage"}
# Measured with the packaged thresholds on the whole set: every paraphrase (72/72) and verbatim
# sentence kept, no unsupported pair accepted. Held-out (5-fold x 10): precision 1.000, recall
# 0.989, paraphrases 0.979. The gate is the issue's: >= 95 % of paraphrases, no corruption.
MIN_PARAPHRASE_KEPT = 0.95


def chunk(text: str, section: str = "Section", publisher: str = "BMA") -> Chunk:
    return Chunk("c1", "d1", "f.txt", "A title", publisher, "2013", section, None, 0, len(text), text)


MONITOR = chunk(
    "The BMA has successfully lobbied to change the role of Monitor away from promoting competition. "
    "The Health and Social Care Act now states that Monitor's main duty is to regulate healthcare providers, "
    "regulate prices for NHS services and address restrictions on competition that act against patients' "
    "interests. All providers of NHS healthcare services, unless exempted, will be required to hold a licence "
    "with Monitor.",
    section="How? › 8. Monitor",
)


def test_the_issues_examples() -> None:
    checker = SupportChecker(packaged_thresholds(), known_names=frozenset({"monitor"}))
    assert checker.judge("Monitor's main duty is to regulate healthcare providers.", MONITOR).supported
    assert not checker.judge("Monitor's main duty is not to regulate healthcare providers.", MONITOR).supported
    assert not checker.judge("Monitor also sets GP salaries.", MONITOR).supported
    merged = "Monitor's main duty is to regulate healthcare providers, and Monitor also sets GP salaries."
    assert not checker.judge(merged, MONITOR).supported


def test_check_repairs_markers_and_falls_back_on_the_main_claim() -> None:
    other = chunk("Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs website.")
    checker = SupportChecker(packaged_thresholds(), known_names=frozenset({"monitor"}))
    draft = "Monitor's main duty is to regulate healthcare providers. [2] CCG posts are advertised on NHS Jobs [1]."
    result = checker.check(draft, [other, MONITOR], max_sentences=4)
    assert [(s.cites, s.repaired) for s in result.sentences] == [([2], False), ([1], False)]
    wrong = checker.check("Monitor's main duty is to regulate healthcare providers [1].", [other, MONITOR], 4)
    assert wrong.kept[0].cites == [2] and wrong.kept[0].repaired and wrong.verdict() == ("", "")
    unmarked = checker.check("Monitor's main duty is to regulate healthcare providers.", [other, MONITOR], 4)
    assert unmarked.kept[0].cites == [2]
    negated = checker.check(
        "Monitor's main duty is not to regulate healthcare providers [2]. Positions are advertised on NHS Jobs [1].",
        [other, MONITOR],
        4,
    )
    assert negated.verdict()[0] == "unsupported"
    leaning = checker.check(
        "Monitor's main duty is to regulate healthcare providers [2]. Monitor sets GP salaries [2]. "
        "This includes regulating prices for NHS services [2].",
        [other, MONITOR],
        4,
    )
    assert leaning.verdict()[0] == "incoherent"
    assert checker.check("NOT IN CORPUS", [other], 4).verdict()[0] == "declined"
    budget = checker.check(
        " ".join(["Monitor's main duty is to regulate healthcare providers [2]."] * 6), [other, MONITOR], 2
    )
    assert len(budget.sentences) == 2 and budget.trimmed == 4


def _row_chunk(r: dict) -> Chunk:
    return Chunk(r["chunk_id"], r["doc_id"], "", r["title"], r["publisher"], "", r["section"], None, 0, 0, r["passage"])


def _remembered(embed: Callable[[Sequence[str]], np.ndarray]) -> Callable[[Sequence[str]], np.ndarray]:
    """`embed`, each text embedded once: the set's 334 pairs share 91 passages, and each judgement
    embeds its passage's sentences (in the assistant, `sentence_vectors` supplies them from the index)."""
    seen: dict[str, np.ndarray] = {}

    def cached(texts: Sequence[str]) -> np.ndarray:
        new = list(dict.fromkeys(t for t in texts if t not in seen))
        if new:
            seen.update(zip(new, embed(new), strict=True))
        return np.stack([seen[t] for t in texts]) if texts else embed(texts)

    return cached


def test_checker_set_precision_and_recall(minilm) -> None:  # type: ignore[no-untyped-def]
    """The labelled set: at least 200 pairs of every kind; with the packaged thresholds and the
    packaged embedding model no corrupted or wrong-passage sentence is accepted, every verbatim
    sentence and at least 95 % of faithful paraphrases are kept."""
    rows = [json.loads(x) for x in CHECKER_SET.read_text(encoding="utf-8").splitlines() if x.strip()]
    kinds = Counter(r["kind"] for r in rows)
    assert len(rows) >= 200 and set(kinds) == CORRUPTED | {"verbatim", "paraphrase"}
    assert all(kinds[k] >= 25 for k in kinds), kinds
    names = corpus_names(list({r["passage"] for r in rows}))
    checker = SupportChecker(packaged_thresholds(), embed=_remembered(minilm.embed), known_names=names)
    supported = [checker.judge(r["sentence"], _row_chunk(r)).supported for r in rows]
    accepted: dict[str, list[bool]] = {k: [] for k in kinds}
    for r, ok in zip(rows, supported, strict=True):
        accepted[r["kind"]].append(ok)
    wrongly = [r["sentence"] for r, ok in zip(rows, supported, strict=True) if r["kind"] in CORRUPTED and ok]
    assert wrongly == [], wrongly
    assert all(accepted["verbatim"])
    kept = sum(accepted["paraphrase"]) / len(accepted["paraphrase"])
    assert kept >= MIN_PARAPHRASE_KEPT, f"paraphrases kept: {kept:.3f}"
    fitted = packaged_thresholds().fitted
    assert fitted["heldout_precision"] >= 0.99 and fitted["heldout_recall"] >= 0.95
