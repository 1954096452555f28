"""Which chosen sentence opens an answer."""

from __future__ import annotations

from assistant.composition.lead import LEAN_MARGIN, bearing, lead
from assistant.composition.picked import Picked

QUESTION = "Who should I ask for help with the research side when commissioners plan services?"
LEANING = Picked(1, 1, "This collaborative way of working can benefit commissioners and empower consultants.", 0.60)


def test_a_best_sentence_that_leans_on_the_one_before_gives_way_to_one_that_reads_alone() -> None:
    # The sentence before "This collaborative way ..." was about post-operative facilities: in the
    # sources' order it opened the answer.
    alone = Picked(0, 5, "Consultants can help commissioners to identify published research evidence.", 0.57)
    antecedent = Picked(1, 0, "It is important such services have appropriate facilities for post-op care.", 0.59)
    assert lead([antecedent, LEANING, alone], QUESTION, 0.15) is alone


def test_one_of_several_things_named_before_it_does_not_open() -> None:
    """ "kent pct clinical commissioners what did they actually do" opened "Another essential
    element was ensuring ...", and "who commissions specialised services?" "Part of this
    responsibility will also involve ..."."""
    alone = Picked(0, 2, "Each clinical commissioner works with a lead commissioner on one clinical area.", 0.57)
    for text in (
        "Another essential element was ensuring that the clinical commissioners were not parochial.",
        "Part of this responsibility will also involve developing commissioning guidance for CCGs.",
        "Many of these initiatives should already be included in the QIPP plans.",
    ):
        best = Picked(1, 3, text, 0.60)
        assert lead([best, alone], "what did the kent clinical commissioners do", 0.15) is alone, text
    # A sentence that names its own subject opens as before.
    named = Picked(1, 3, "An essential element was ensuring that the clinical commissioners were not parochial.", 0.6)
    assert lead([named, alone], "what did the kent clinical commissioners do", 0.15) is named


def test_with_nothing_close_that_reads_alone_the_sources_order_stays() -> None:
    far = Picked(
        0, 5, "Consultants can help commissioners to identify published research evidence.", 0.6 - 2 * LEAN_MARGIN
    )
    assert lead([LEANING, far], QUESTION, 0.15) is None
    # A second sentence that leans too is no better an opening.
    also = Picked(2, 3, "These relationships matter given the board's scrutiny role.", 0.59)
    assert lead([LEANING, also], QUESTION, 0.15) is None


def test_a_repeated_answer_opens_with_the_sentence_bearing_on_the_follow_up_in_other_words() -> None:
    """ "and the remuneration?" after who sits on the board: the sentence saying the seat is paid
    bears on it, in the synonym list's other words for it."""
    board = Picked(0, 0, "Every CCG board will include at least one hospital doctor.", 0.8)
    paid = Picked(0, 1, "The secondary care doctor on the board will be paid for the role.", 0.6)
    assert bearing([board, paid], "and the remuneration?", board) is paid
    # No sentence holds the ask's words or their synonyms: the lead stays.
    assert bearing([board, paid], "and the term of office?", board) is board


def test_an_ask_for_what_an_acronym_stands_for_opens_with_the_sentence_spelling_it_out() -> None:
    best = Picked(0, 0, "LMCs represent the views of the local profession and will be central to CCGs.", 0.80)
    spelling = Picked(0, 2, "Boards do not include representatives of local medical committees (LMCs).", 0.77)
    assert lead([best, spelling], "What does LMC stand for?", 0.15) is spelling
    # Asked what one is or does, the sentence that says so opens, not the one naming it.
    doing = Picked(0, 0, "CSUs will support CCGs with payroll, IT and population data.", 0.80)
    hosting = Picked(0, 1, "NHS England hosts the twenty-three commissioning support units (CSUs).", 0.78)
    assert lead([doing, hosting], "What is a CSU?", 0.15) is doing


def test_a_repeated_answer_to_why_opens_with_the_sentence_giving_a_reason() -> None:
    """ "Why not?" after "can that person come from the trust in the CCG's own patch?" shares no
    word with any sentence; the reason ("... will avoid conflict of interest") had come fifth."""
    budget = Picked(0, 0, "England's 211 CCGs will be responsible for £65bn of the £95bn budget.", 0.8)
    rule = Picked(
        1,
        0,
        "The seat must go to a clinician from outside the CCG's area - this, says the Government, "
        "will avoid conflict of interest.",
        0.6,
    )
    for ask in ("Why not?", "and why?", "how come"):
        assert bearing([budget, rule], ask, budget) is rule, ask
    # An ask that is no "why" keeps its opening; a "why" with no reason given keeps it too.
    assert bearing([budget, rule], "ok", budget) is budget
    assert bearing([budget], "why?", budget) is budget
