"""What an ingest run reports: one line per document, the totals, and the embedding figures."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .embedding import EmbedStats


@dataclass
class DocResult:
    file: str
    doc_id: str
    status: str  # added | updated | repaired | unchanged | removed | failed
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    results: list[DocResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0
    chunks_embedded: int = 0
    total_chunks: int = 0
    # Texts asked of the embedding step, distinct among them, found in the cache, run through the model.
    embed_stats: EmbedStats = field(default_factory=EmbedStats)
    # Sentences run through the QA model (the answerability model's second opinion).
    qa_sentences: int = 0

    @property
    def ok(self) -> bool:
        return not any(r.status == "failed" for r in self.results)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def table(self) -> str:
        lines = [f"{'document':<48} {'status':<10} {'chunks':>6}"]
        for r in self.results:
            lines.append(f"{r.file[:48]:<48} {r.status:<10} {r.chunks:>6}" + (f"  {r.reason}" if r.reason else ""))
        lines.append(
            "added {a} · updated {u} · repaired {p} · unchanged {n} · removed {r} · failed {f} · "
            "{c} chunks in index · {e} embedded · {s:.1f} s".format(
                a=self.count("added"),
                u=self.count("updated"),
                p=self.count("repaired"),
                n=self.count("unchanged"),
                r=self.count("removed"),
                f=self.count("failed"),
                c=self.total_chunks,
                e=self.chunks_embedded,
                s=self.seconds,
            )
            + (f" · {self.qa_sentences} sentences embedded for the QA model" if self.qa_sentences else "")
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "results": [asdict(r) for r in self.results],
            "warnings": self.warnings,
            "seconds": round(self.seconds, 2),
            "total_chunks": self.total_chunks,
            "embedding": asdict(self.embed_stats),
            "qa_sentences": self.qa_sentences,
        }
