"""Ingest timings and index figures for the corpus. Prints figures; asserts nothing.

Run: python bench/bench_ingest.py  (builds throw-away indexes in a temporary folder)
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    t0 = time.perf_counter()
    from assistant import Settings
    from assistant.storage.store import Store
    from assistant.wiring import build_embedder
    from ingest.pipeline import Ingestor

    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp:
        s = settings.replace(data_dir=Path(tmp) / "a")
        embedder = build_embedder(s)
        embedder.embed(["load the model"])  # type: ignore[attr-defined]
        load_s = time.perf_counter() - t0
        first = Ingestor(s, embedder).run()
        again = Ingestor(s, embedder).run()
        chunks = Store(s, embedder).all_chunks()
        words = sorted(len(c.text.split()) for c in chunks)
        q = statistics.quantiles(words, n=10)
        print(f"corpus: {len(first.results)} documents → {first.total_chunks} chunks")
        print(f"model load (imports + weights; with the default ONNX runtime, its one-time export): {load_s:.1f} s")
        print(f"ingest without model load: {first.seconds:.1f} s (embedding {first.embed_seconds:.1f} s)")
        print(f"ingest with model load: {first.seconds + load_s:.1f} s")
        print(f"no-change re-ingest: {again.seconds:.2f} s ({again.chunks_embedded} chunks embedded)")
        print(
            f"chunk words: min {words[0]} · p10 {q[0]:.0f} · median {statistics.median(words):.0f} · "
            f"p90 {q[-1]:.0f} · max {words[-1]}"
        )
        print(
            f"index on disk: {size_mb(s.chroma_path) + size_mb(s.bm25_path):.1f} MB (Chroma "
            f"{size_mb(s.chroma_path):.1f} MB, BM25 {size_mb(s.bm25_path):.2f} MB); "
            f"ONNX export of the model {size_mb(s.models_dir):.0f} MB"
        )


if __name__ == "__main__":
    main()
