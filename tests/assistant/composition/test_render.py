"""Writing out chosen sentences: order, markers, lists, and what an earlier part printed."""

from __future__ import annotations

import numpy as np

from assistant.composition.picked import Picked
from assistant.composition.render import rendered
from assistant.retrieval.retrieve import Candidate
from assistant.types import Chunk

LIST = [
    "Consortiums will be responsible for:",
    "• Commissioning most hospital care.",
    "• Managing the budget. This includes overspends.",
    "• Engaging patients.",
]
OTHER = ["Boards include a hospital doctor.", "The doctor comes from outside the area."]


def _top(*passages: list[str]) -> list[Candidate]:
    out = []
    for i, sentences in enumerate(passages):
        text = " ".join(sentences)
        chunk = Chunk(f"c{i}", "doc", "doc.txt", "Doc", "BMA", "2012", f"Section {i}", None, 0, len(text), text)
        out.append(Candidate(chunk, score=0.9 - i / 10, sentence_sims=np.zeros(len(sentences))))
    return out


def _picked() -> list[Picked]:
    return [
        Picked(0, 0, LIST[0], 0.9),
        Picked(0, 1, LIST[1], 0.8),
        Picked(0, 2, "• Managing the budget.", 0.7),
        Picked(0, 3, "This includes overspends.", 0.6, joins=True),
        Picked(0, 4, LIST[3], 0.5),
        Picked(1, 0, OTHER[0], 0.85),
        Picked(1, 1, OTHER[1], 0.4),
    ]


def test_without_earlier_parts_everything_is_written_with_one_number_per_passage() -> None:
    out = rendered(_picked(), _top(LIST, OTHER), {})
    assert out.text.startswith("Consortiums will be responsible for:\n- Commissioning most hospital care")
    assert "- Managing the budget. This includes overspends" in out.text
    assert "Boards include a hospital doctor. [2] The doctor comes from outside the area. [2]" in out.text
    assert out.above == ()
    assert [c.n for c in out.citations] == [1, 2]


def test_sentences_printed_above_are_left_out_and_their_passages_listed() -> None:
    shown = frozenset({OTHER[0], "• Managing the budget.", LIST[0]})
    out = rendered(_picked(), _top(LIST, OTHER), {}, shown=shown)
    # The list's lead-in stays (new items need it); the printed item goes with its continuation.
    assert out.text.startswith("Consortiums will be responsible for:\n- Commissioning most hospital care")
    assert "Managing the budget" not in out.text and "overspends" not in out.text
    assert "- Engaging patients [1]" in out.text
    assert OTHER[0] not in out.text and "The doctor comes from outside the area. [2]" in out.text
    assert out.above == (1, 2)
    # The citations still quote everything the part rests on.
    assert OTHER[0] in out.citations[1].quote and "Managing the budget." in out.citations[0].quote


def test_a_lead_in_whose_items_were_all_printed_above_is_dropped_too() -> None:
    items = frozenset({LIST[1], "• Managing the budget.", LIST[3]})
    out = rendered(_picked()[:5], _top(LIST), {}, shown=items)
    assert out.text == "" and out.above == (1,)


def test_a_sentence_quoted_from_inside_a_quotation_has_its_marks_balanced() -> None:
    quoted = [
        "The director says: “Our commissioners consult widely.",
        "They meet every month.”",
        "Boards are “clinician led” by design.",
    ]
    picked = [Picked(0, 0, quoted[0], 0.9), Picked(0, 2, quoted[2], 0.5), Picked(1, 1, OTHER[1], 0.4)]
    out = rendered(picked, _top(quoted, OTHER), {})
    assert out.text.startswith("The director says: “Our commissioners consult widely.” [1]")
    assert "Boards are “clinician led” by design. [1]" in out.text  # already balanced: unchanged
    # The citation quotes the source as it is.
    assert quoted[0] in out.citations[0].quote
    closing = rendered([Picked(0, 1, quoted[1], 0.9)], _top(quoted), {})
    assert closing.text == "“They meet every month.” [1]"
    # Straight marks, as a plain-text source has them.
    plain = ['"Do the assessment at the surgery.', 'It suits patients."', 'They said "yes" at once.']
    opened = rendered([Picked(0, 0, plain[0], 0.9), Picked(0, 2, plain[2], 0.5)], _top(plain), {})
    assert opened.text == '"Do the assessment at the surgery." [1] They said "yes" at once. [1]'
    assert rendered([Picked(0, 1, plain[1], 0.9)], _top(plain), {}).text == '"It suits patients." [1]'


def test_a_sentence_from_the_middle_of_a_long_quotation_is_shown_quoted() -> None:
    """Robert Stewart's quotation runs over several sentences of the Kent article: one from its
    middle, with no mark of its own, read as the article's narration."""
    said = [
        "Dr Stewart says: “Our commissioners consult widely.",
        "They meet every month.",
        "They report to the board.”",
        "The article ends here.",
    ]
    out = rendered([Picked(0, 1, said[1], 0.9), Picked(0, 3, said[3], 0.5)], _top(said), {})
    assert out.text == "“They meet every month.” [1] The article ends here. [1]", out.text
    plain = ['He wrote: "We agree.', "We always did.", 'Then we stopped."']
    assert rendered([Picked(0, 1, plain[1], 0.9)], _top(plain), {}).text == '"We always did." [1]'


def test_a_lead_in_stays_for_a_new_item_after_items_printed_above() -> None:
    """The items right after the lead-in were printed by an earlier part, a later one was not:
    without its lead-in the new item would follow the pointer to the quotes above on its own."""
    shown = frozenset({LIST[0], LIST[1], "• Managing the budget."})
    out = rendered(_picked()[:5], _top(LIST), {}, shown=shown)
    assert out.text == "Consortiums will be responsible for:\n- Engaging patients [1]", out.text


def test_a_quotation_cut_by_the_sentence_split_is_closed_where_it_was_left_open() -> None:
    # The source: As a hospital SHO, I may think commissioning needn't concern me: "I'm not a GP.
    # I don't handle the budgets, choose providers, or make referrals." Actually, ...
    said = [
        "As a hospital SHO, I may think commissioning needn't concern me: \"I'm not a GP.",
        "I don't handle the budgets, choose providers, or make referrals.\"",
        '"Do the pre-op assessment at the surgery, more convenient for our patients.',
    ]
    picked = [Picked(0, i, text, 0.9 - i / 10) for i, text in enumerate(said)]
    out = rendered(picked, _top(said), {})
    assert "needn't concern me: \"I'm not a GP.\" [1]" in out.text
    assert '"I don\'t handle the budgets, choose providers, or make referrals." [1]' in out.text
    assert '"Do the pre-op assessment at the surgery, more convenient for our patients." [1]' in out.text
    assert not out.text.startswith('"As a hospital SHO')
