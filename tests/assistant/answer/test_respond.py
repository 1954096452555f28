"""Merging the parts of a multi-part reply."""

from __future__ import annotations

from assistant import Assistant
from assistant.answer.merge import merge
from assistant.answer.parts import Part
from assistant.composition.render import Composition
from assistant.gate.scope import notice_about
from assistant.messages import render
from assistant.types import Citation


def cite(n: int, text: str, quote: str) -> Citation:
    return Citation(n, "doc", "doc.txt", "Title", "BMA", "2012", "Section", None, text, quote)


def part(ask: str, outcome: str, composition: Composition | None) -> Part:
    return Part(ask, ask, outcome, 0.5, {}, [], [], composition)


PASSAGE_A = "Boards include a hospital doctor. The doctor comes from outside the area."
PASSAGE_B = "Trusts employ consultants. Consultants advise CCGs."
BOARD = "Boards include a hospital doctor."


def board_answer() -> Composition:
    return Composition(f"{BOARD} [1]", [cite(1, PASSAGE_A, BOARD)])


def test_parts_are_numbered_once_across_the_reply_in_order() -> None:
    first = board_answer()
    second = Composition(
        "Consultants advise CCGs. [1] The doctor comes from outside the area. [2]",
        [cite(1, PASSAGE_B, "Consultants advise CCGs."), cite(2, PASSAGE_A, "The doctor comes from outside the area.")],
    )
    text, citations = merge([part("who sits on the board", "answer", first), part("can I", "partial", second)])
    assert text.startswith("Who sits on the board?\nBoards include a hospital doctor. [1]")
    assert "Can I?\nThe guidance touches on this" in text
    assert "Consultants advise CCGs. [2] The doctor comes from outside the area. [1]" in text
    assert [c.n for c in citations] == [1, 2]
    assert citations[0].quote == "Boards include a hospital doctor. … The doctor comes from outside the area."


def test_a_part_that_would_repeat_the_same_sentences_points_to_them() -> None:
    # As `compose(shown=...)` writes a later part resting only on sentences printed above.
    same = Composition("", board_answer().citations, above=(1,))
    text, citations = merge(
        [
            part("are they expecting that", "answer", board_answer()),
            part("how are they covering themselves", "partial", same),
        ]
    )
    assert text.count("Boards include a hospital doctor.") == 1
    assert "How are they covering themselves?\nThe guidance touches on this part but may not answer it" in text
    assert text.endswith("the passages that match it best are the ones quoted above ([1]).")
    assert len(citations) == 1
    # A part judged answered by the same sentences is not hedged.
    text, _ = merge(
        [part("who sits on the board", "answer", board_answer()), part("is it a hospital doctor", "answer", same)]
    )
    # Not "answer this part too": the part's own words may be in none of them ("who hosts them?").
    assert text.endswith(
        "Is it a hospital doctor?\nThe passages that match this part best are the ones quoted above ([1])."
    )


def test_an_uncovered_part_is_named() -> None:
    first = board_answer()
    text, _ = merge([part("who sits on the board", "answer", first), part("what dose of statin", "refuse", None)])
    assert text.endswith("What dose of statin?\nThe guidance in this corpus does not cover this part of the question.")


def test_a_part_resting_partly_on_sentences_above_points_to_them_with_the_reply_s_numbers() -> None:
    first = Composition(
        "Consultants advise CCGs. [1] Boards include a hospital doctor. [2]",
        [cite(1, PASSAGE_B, "Consultants advise CCGs."), cite(2, PASSAGE_A, BOARD)],
    )
    # Composed on its own: the board passage is its [1], printed above as [2] of the reply.
    second = Composition(
        "The doctor comes from outside the area. [1]",
        [cite(1, PASSAGE_A, f"{BOARD} … The doctor comes from outside the area.")],
        above=(1,),
    )
    text, citations = merge([part("who advises", "answer", first), part("who sits on the board", "partial", second)])
    assert text.endswith(
        "Who sits on the board?\nThe guidance touches on this but may not answer it directly. Besides the passages "
        "quoted above ([2]), the closest say: The doctor comes from outside the area. [2]"
    )
    assert text.count(BOARD) == 1 and len(citations) == 2


def test_a_later_part_that_opens_with_a_list_item_starts_it_on_its_own_line() -> None:
    first = board_answer()
    second = Composition(
        "- The doctor comes from outside the area [1]",
        [cite(1, PASSAGE_A, f"{BOARD} … The doctor comes from outside the area.")],
        above=(1,),
    )
    text, _ = merge([part("who sits on the board", "answer", first), part("from where", "answer", second)])
    assert text.endswith(
        "Besides the passages quoted above ([1]), the guidance says:\n- The doctor comes from outside the area [1]"
    ), text
    text, _ = merge([part("who sits on the board", "answer", first), part("from where", "partial", second)])
    assert text.endswith("the closest say:\n- The doctor comes from outside the area [1]"), text


def test_a_partial_part_that_opens_with_a_list_under_its_heading_starts_it_on_its_own_line() -> None:
    """ "Drawbacks of commissioning:" run on after "The closest passages say:" would read as part
    of that sentence."""
    first = board_answer()
    second = Composition(
        "Drawbacks of commissioning:\n- Trusts employ consultants [1]",
        [cite(1, PASSAGE_B, "Trusts employ consultants.")],
    )
    text, _ = merge([part("who sits on the board", "answer", first), part("any downsides", "partial", second)])
    assert text.endswith("say:\nDrawbacks of commissioning:\n- Trusts employ consultants [2]"), text


def test_a_parts_heading_is_its_question_without_the_remark_after_it() -> None:
    first = board_answer()
    second = Composition("Consultants advise CCGs. [1]", [cite(1, PASSAGE_B, "Consultants advise CCGs.")])
    text, _ = merge(
        [
            part("who sits on the board", "answer", first),
            part("who advises them? ccg keeps mentioning it in meetings", "answer", second),
        ]
    )
    assert "\nWho advises them?\nConsultants advise CCGs. [2]" in text, text
    assert "meetings?" not in text
    # Two questions answered as one part (the second too short to stand alone) are both its heading.
    text, _ = merge(
        [
            part("who sits on the board", "answer", first),
            part("who advises them? how do i get on it?", "answer", second),
        ]
    )
    assert "\nWho advises them? how do i get on it?\nConsultants advise CCGs. [2]" in text, text


def test_an_ask_about_today_leads_with_the_sources_notice_on_what_it_names(bot: Assistant) -> None:
    """ "Is my CCG still ...?" was answered in 2013's present tense with the one thing known of
    today, that CCGs were abolished in 2022, left under the answer."""
    still = bot.ask("Is my CCG still responsible for commissioning hospital services?")
    assert still.outcome == "partial", still.text
    assert still.lead.startswith(render("partial_lead_now").removesuffix(" What it said at the time:")), still.lead
    assert "abolished on 1 July 2022" in still.lead
    assert not any("abolished on 1 July 2022" in n for n in still.notices), still.notices  # not said twice
    # A notice of another passage found, when the cited sources' notices are about other things.
    pcts = bot.ask("do PCTs still exist now?")
    assert pcts.outcome == "partial" and "PCTs were abolished in 2013" in pcts.lead, pcts.lead
    # An ask about something the notices do not name gets the line without them.
    monitor = bot.ask("Is Monitor still the regulator for foundation trusts?")
    assert monitor.outcome == "partial", monitor.text
    assert monitor.lead == render("partial_lead_now")


def test_a_refused_ask_about_today_still_says_what_became_of_what_it_names(bot: Assistant) -> None:
    """ "... in my area now - is it still the PCT?": its second ask, refused, read "The guidance in
    this corpus does not cover this part of the question", though the sources say PCTs were
    abolished in 2013 (a tester: "that is false")."""
    notice = "PCTs were abolished in 2013"
    reply = bot.ask(
        "who actually holds the purse strings for hospital and community services in my area now - is it still the PCT?"
    )
    assert [a["outcome"] for a in reply.answerability][1] == "refuse", reply.answerability
    pct = reply.text.split("\n\nIs it still the PCT?\n", 1)[1]
    assert pct.startswith(render("part_not_covered_now_notice", notice="").strip()) and notice in pct, reply.text
    # A message's only ask, refused: the notice, then the refusal and its nearest sections.
    alone = bot.ask("is my local PCT still paying for IVF now?")
    assert alone.refused and notice in alone.lead and alone.lead.endswith("so I will not guess."), alone.lead
    # Not about today: the plain refusal.
    assert notice not in bot.ask("did my local PCT pay for IVF?").text


def test_a_part_about_today_says_so_though_an_earlier_part_quoted_some_of_its_passages(bot: Assistant) -> None:
    """ "... actually happen? What's the situation now?": the second ask, pointing to what the
    first quoted, opened on 2011's "At present it is possible to pay into the NHS pension
    scheme ..." with no word that the guidance predates today (a tester: "A doctor could act on
    this for pension decisions")."""
    reply = bot.ask(
        "Did the pension changes mentioned in the BMJ guide (the CARE scheme, pension age going up) actually "
        "happen? What's the situation now?"
    )
    now = reply.text.split("\n\nWhat's the situation now?\n", 1)[1]
    assert now.startswith(render("partial_lead_now").removesuffix(" What it said at the time:")), now
    assert "Besides the passages quoted above ([1]), what it said at the time:" in now.split("\n")[0], now


def test_an_acronym_asked_after_is_said_in_full_where_its_passages_write_it_only_apart(bot: Assistant) -> None:
    """The interview writes "AQP" in its answers and "any qualified provider" only in the
    question over them: "whats AQP" got the leads' views and never what the letters stand for
    (two testers, two sessions)."""
    for ask in ("whats AQP", "what does AQP stand for?"):
        reply = bot.ask(ask)
        assert reply.text.startswith(render("acronym_spelt", acronym="AQP", phrase="any qualified provider")), ask
    # Spelt out beside it in the answer already ("Quality and Outcomes Framework (QOF)"): no line.
    assert not bot.ask("what is QOF?").text.startswith("QOF stands for")


def test_a_notice_is_about_what_it_names_by_acronym_name_or_quoted_word() -> None:
    notice = "Written before the Act; CCGs (the 'consortiums' it describes) were replaced by integrated care boards "
    notice += "(ICBs)."
    for ask in ("is my CCG still responsible?", "what do consortiums do now?", "does every ICB still need one?"):
        assert notice_about(notice, ask), ask
    assert not notice_about(notice, "is Monitor still the regulator?")
    assert notice_about("Integrated care boards (ICBs) replaced them.", "what do integrated care boards do now?")
