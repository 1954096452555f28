"""Test helpers: real implementations of our protocols and real file makers (no mocks)."""

from __future__ import annotations

import hashlib
import re
import socket
import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class HashEmbedder:
    """A real `Embedder`: hashed bag of words, L2-normalised. Fast, deterministic, no model."""

    def __init__(self, dim: int = 64, model_id: str = "test-hash-64") -> None:
        self.dim = dim
        self.model_id = model_id
        self.calls = 0
        self.texts_embedded = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z0-9]+", t.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n else out[i]
            if not n:
                out[i, 0] = 1.0
        return out


class HashQAEmbedder:
    """A real `QAEmbedder` over `HashEmbedder`, counting the passages it embeds."""

    def __init__(self, model_id: str = "test-hash-qa") -> None:
        self.model_id = model_id
        self._hash = HashEmbedder(64, model_id)
        self.passages_embedded = 0
        self.queries_embedded = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries_embedded += len(texts)
        return self._hash.embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self._hash.embed(texts)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pdf_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(path: Path, pages: Sequence[Sequence[tuple[float, str]]]) -> Path:
    """Write a real PDF: each page a list of (font size, line). Helvetica, one line per entry."""
    objects: list[bytes] = []
    page_ids = []
    font_id = 3
    objects.append(b"")  # 1: catalog (filled below)
    objects.append(b"")  # 2: pages
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for lines in pages:
        y = 780.0
        ops = []
        for size, text in lines:
            ops.append(f"BT /F1 {size:g} Tf 50 {y:.0f} Td ({_pdf_escape(text)}) Tj ET")
            y -= size * 1.6
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        page_ids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects[1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


BODY = (
    "Referral pathways were agreed with the local hospital. Each practice nominated a lead. "
    "The group met monthly to review data on admissions and outpatient use."
)


def write_small_corpus(folder: Path) -> Path:
    """Three small documents (txt, md, html) and a manifest describing two of them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "alpha.txt").write_text(
        "Alpha guidance\n\nWhy?\n\n" + BODY + " Alpha clinics opened in 2010.\n\n"
        "How?\n\nContact the alpha board secretary to apply for a position. " + BODY + "\n",
        encoding="utf-8",
    )
    (folder / "beta.md").write_text(
        "# Beta handbook\n\n## Pensions\n\nBeta members keep their pension when they move. " + BODY + "\n\n"
        "## Salaries\n\nBeta salaries are set nationally each April. " + BODY + "\n",
        encoding="utf-8",
    )
    (folder / "gamma.html").write_text(
        "<html><head><title>Gamma</title><script>var x = 'do not index me';</script></head><body>"
        "<nav>Home | About | Menu</nav><h1>Gamma page</h1><h2>Training</h2><p>Gamma trainees rotate "
        "every six months between sites. " + BODY + "</p><ul><li>first item of gamma</li>"
        "<li>second item of gamma</li></ul><footer>Copyright footer text</footer></body></html>",
        encoding="utf-8",
    )
    (folder / "manifest.toml").write_text(
        '[[document]]\nid = "alpha"\nfile = "alpha.txt"\ntitle = "Alpha guidance"\npublisher = "BMA"\n'
        'published = "2012"\npublished_approximate = true\nnotice = "Alpha is historical."\n\n'
        '[[document]]\nid = "beta"\nfile = "beta.md"\ntitle = "Beta handbook"\npublisher = "BMJ Group"\n'
        'published = "2024-03-01"\n',
        encoding="utf-8",
    )
    return folder


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path | None = None, timeout: float = 120) -> None:
    """Wait until `url` answers, failing with the server's log if the process dies first."""
    import time
    import urllib.request

    deadline = time.time() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{url} did not come up" + (f":\n{log.read_text()}" if log else "")) from None
            time.sleep(0.3)
