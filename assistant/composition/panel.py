"""An ask about what an interview's panel said: each speaker's answer to the interviewer's
question (`speakers.panel_answer`), composed as one answer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..retrieval.retrieve import Candidate
from ..types import SECTION_SEP, SPEAKER_TURN
from .picked import Picked
from .render import Composition, rendered
from .speakers import EVERY_SPEAKER, panel_answer

# Every lead's answer to the interviewer's question answers an ask only where the question
# (the section's heading) matches the ask this well (0.2 and 0.5 were worse on dev).
PANEL_HEADING = 0.3


def panel_of(
    question: str,
    top: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
    pool: Sequence[Picked],
    said: dict[int, list[str | None]],
    shown: frozenset[str] = frozenset(),
    ask: str = "",
) -> Composition | None:
    """An ask about what an interview's panel said: each speaker's answer (`panel_answer`).
    Whether it names the whole panel is read in the ask's own words (`ask`), not in those it
    borrows from the ask before it."""
    whole = bool(EVERY_SPEAKER.search(ask or question))
    # The interviewer's question (the section's heading) must be the ask's: "Do CCGs have to
    # involve patients ...?" got every lead's answer on any qualified provider, "SF (...): No."
    # among them.
    # (Not for an ask naming the panel outright: "In the interviews with six CCG leads, who did
    # each of them say would be their accountable officer?" matched its heading at 0.25.)
    if not top or (top[0].heading < PANEL_HEADING and not whole):
        return None
    texts = [index_sentences.get(c.chunk.chunk_id, ([], None))[0] for c in top]
    where = [f"{c.chunk.doc_id}{SECTION_SEP}{c.chunk.section}" for c in top]  # a section of one document
    panel = panel_answer(question, list(zip(where, texts, strict=True)), whole)
    if panel is None:
        return None
    scored = {(p.passage, p.sentence): p.score for p in pool}
    turns_said = [Picked(pi, si, texts[pi][si], scored.get((pi, si), 0.0)) for pi, si in panel]
    # The speaker whose words match the ask best opens; the others follow in the source's order.
    opener = max((p for p in turns_said if SPEAKER_TURN.match(p.text)), key=lambda p: p.score)
    return rendered(turns_said, top, said, opener, shown)
