"""Hand-built candidates for the composer's tests, where each signal is known exactly."""

from __future__ import annotations

import numpy as np

from assistant.retrieval.retrieve import Candidate
from assistant.retrieval.sentences import split_sentences
from assistant.types import Chunk


def candidates(passages: list[tuple[str, float, list[float]]]) -> tuple[list[Candidate], dict]:  # type: ignore[type-arg]
    """(text, passage score, similarity of each sentence to the question) → candidates."""
    cands, sentences = [], {}
    for i, (text, score, sims) in enumerate(passages):
        chunk = Chunk(f"c{i}", "doc", "doc.txt", "Doc", "BMA", "2012", f"Section {i}", None, 0, len(text), text)
        parts = [text[s:e] for s, e in split_sentences(text)]
        assert len(parts) == len(sims), parts
        sentences[chunk.chunk_id] = (parts, np.zeros((len(parts), 4), dtype=np.float32))
        cands.append(Candidate(chunk, score=score, sentence=max(sims), sentence_sims=np.array(sims)))
    return cands, sentences
