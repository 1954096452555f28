"""The QA model's vectors of every committed sentence, put into the content-hash cache after an
ingest (assistant/retrieval/qa_embedder.py: the answerability model's second opinion reads them
there)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from assistant.retrieval.docfiles import DocFiles
from assistant.retrieval.qa_embedder import PassageSide, QAEmbedder
from assistant.settings import Settings
from assistant.storage.registry import DocRecord
from assistant.types import spoken

from .embedding import CachedEmbedding, EmbedCache, embedder_key


def embed_qa_sentences(
    settings: Settings,
    qa: QAEmbedder,
    files: DocFiles,
    records: Iterable[DocRecord],
    progress: Callable[[str, int, int], None],
) -> int:
    """Embed every committed document's sentences through the QA model into the cache,
    where answering reads them; a marker file per document says it is done, so an ingest
    that changes nothing embeds nothing, and one after an upgrade fills in what is missing.
    Not a commit point: a document without them is answered all the same (its sentences
    are embedded when first needed). Returns the number of sentences embedded."""
    side = PassageSide(qa)
    marks = DocFiles.of(settings.data_dir, side.model_id).root
    records = list(records)
    todo = [r for r in records if not (marks / f"{r.doc_hash}.qa").exists()]
    keep = {f"{r.doc_hash}.qa" for r in records}
    if marks.is_dir():
        for stale in marks.glob("*.qa"):
            if stale.name not in keep:
                stale.unlink(missing_ok=True)
    if not todo:
        return 0
    marks.mkdir(parents=True, exist_ok=True)
    cache = EmbedCache(settings.embed_cache_path, embedder_key(side))
    embedding = CachedEmbedding(side, cache)
    progress("qa sentences", 0, len(todo))
    try:
        for n, rec in enumerate(todo, 1):
            chunks = files.read(rec.doc_hash)
            if chunks is not None:  # else this host lacks the document's files: a later run
                texts = [spoken(c["text"][a:b]) for c in chunks for a, b in c["spans"]]
                embedding.embed(texts)
                (marks / f"{rec.doc_hash}.qa").touch()
            progress("qa sentences", n, len(todo))
    finally:
        cache.close()
    return embedding.stats.embedded
