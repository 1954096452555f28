"""What bench/scale.py's child processes run: each measurement is a new interpreter, so memory
and start-up are the answering process's own. Each program prints one JSON line last.

`dev_scores` counts only the five real documents' passages (see bench/scale.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REAL_FILES = {p.name for p in (ROOT / "corpus").iterdir() if p.is_file() and p.name != "manifest.toml"}

INGEST = r"""
import json, resource, sys, time
from assistant import Settings
from ingest.pipeline import Ingestor
derive = {derive!r}
s = Settings.from_env()
if derive:
    sys.path.insert(0, "bench")
    from scale_derived import DerivedEmbedder, DerivedQAEmbedder, _derived_pools
    minilm, qa_known = _derived_pools(derive)
    embedder = DerivedEmbedder(minilm)
    qa = DerivedQAEmbedder(qa_known) if s.qa_embedder == "e5-small" and qa_known else None
    del minilm, qa_known
else:
    qa = None
    from assistant.wiring import build_embedder
    embedder = build_embedder(s)
    embedder.embed(["load the model"])
t = time.perf_counter()
report = Ingestor(s, embedder, qa_embedder=qa).run()
wall = time.perf_counter() - t
st = report.embed_stats
print(json.dumps({{"ok": report.ok, "seconds": wall, "chunks": report.total_chunks,
    "embed_seconds": report.embed_seconds,
    "qa_sentences": report.qa_sentences,
    "texts": st.texts, "distinct": st.distinct, "cached": st.cached, "embedded": st.embedded,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "failed": [r.file for r in report.results if r.status == "failed"]}}))
"""

FIRST = r"""
import json, time
t0 = time.time()
from assistant import Assistant
answer = Assistant().ask("how do I get on a CCG board?")
print(json.dumps({"done": time.time(), "in_process": time.time() - t0, "cited": len(answer.citations)}))
"""

WARM = r"""
import json, resource, sys, time
sys.path.insert(0, "bench")
from assistant import Assistant
from evals.dataset import DEV_SET, load_dataset
from scale_children import dev_scores
a = Assistant()
t = time.perf_counter(); a.warm(); warm_s = time.perf_counter() - t
rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
items = load_dataset(DEV_SET)
answers, cold = [], []
for item in items:
    t = time.perf_counter()
    answers.append(a.ask(item.question, item.history).to_json())
    cold.append((time.perf_counter() - t) * 1000)
lat = []
for _ in range({passes}):
    for item in items:
        t = time.perf_counter()
        a.ask(item.question, item.history)
        lat.append((time.perf_counter() - t) * 1000)
print(json.dumps({{"latencies": lat, "first_pass": cold, "warm_s": warm_s, "rss_after_warm_mb": rss_start,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **dev_scores(items, answers)}}))
"""

PROFILE = r"""
import sys
sys.path.insert(0, "bench")
from assistant import Assistant
from evals.dataset import DEV_SET, load_dataset
a = Assistant(); a.warm()
items = load_dataset(DEV_SET)
for item in items:
    a.ask(item.question, item.history)
from pyinstrument import Profiler
p = Profiler(interval=0.0005)
p.start()
for _ in range(2):
    for item in items:
        a.ask(item.question, item.history)
p.stop()
open({out!r}, "w").write(p.output_text(unicode=False, color=False, show_all=False))
print('{{"ok": true}}')
"""


def dev_scores(items: list[Any], answers: list[dict[str, Any]]) -> dict[str, Any]:
    """hit@5 and MRR over answerable items: passages of the real documents only (see above)."""
    from evals.metrics import first_found_rank

    ranks, ranks_any = [], []
    for item, ans in zip(items, answers, strict=True):
        if not item.answerable or not item.evidence:
            continue
        retrieved = ans["retrieved"][:10]
        real = [r["text"] if r.get("file") in REAL_FILES else "" for r in retrieved]
        ranks.append(first_found_rank(item.evidence, real))
        ranks_any.append(first_found_rank(item.evidence, [r["text"] for r in retrieved]))

    def figures(rs: list[int | None]) -> tuple[float, float]:
        hit5 = sum(1 for r in rs if r is not None and r <= 5) / len(rs)
        mrr = sum(1.0 / r for r in rs if r) / len(rs)
        return round(hit5, 4), round(mrr, 4)

    (h, m), (ha, ma) = figures(ranks), figures(ranks_any)
    return {"hit5": h, "mrr": m, "hit5_any_doc": ha, "mrr_any_doc": ma, "answerable": len(ranks)}
