"""An ask for a sum of money whose answer states none is answered at most in part
(`assistant/gate/caps.py`); and one that only points elsewhere, against the real corpus."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.gate.caps import (
    COUNT_UNSTATED,
    PERSON_UNCONFIRMED,
    POINTS_ELSEWHERE,
    SUM_UNSTATED,
    asks_for_count,
    asks_for_sum,
    cap,
    states_sum,
)
from assistant.gate.persons import ORGANISATION_UNNAMED, PERSON_UNNAMED


@pytest.mark.parametrize(
    "ask",
    [
        "how much is the secondary care doctor on a CCG board paid per session?",
        "How much extra are GP registrars paid for the placement?",
        "how much annual funding did each network get?",
        "whats the going rate for a gp lead",
        "how much is the tariff for a first outpatient appointment",
        "what does the network DES pay per patient?",
        "what's the LMC levy these days",
    ],
)
def test_asks_for_a_sum(ask: str) -> None:
    assert asks_for_sum(ask)


@pytest.mark.parametrize(
    "ask",
    [
        "how much time will GPs be spending on this?",
        "Who can pay into the NHS pension scheme?",
        "is it paid?",
        # A yes or no: "there is no nationally agreed rate" answers it.
        "do board members get paid per session?",
        "is it £500 a session?",
        "what happens to my pension?",
        "what will happen to my salary if I get involved in commissioning?",
        "what is the referral rate?",
    ],
)
def test_asks_for_no_sum(ask: str) -> None:
    assert not asks_for_sum(ask)


def test_a_sum_as_the_sources_write_one() -> None:
    assert states_sum(["each PCT has a fund of £2 per patient"])
    assert states_sum(["responsible for 60 per cent of the budget"])
    assert not states_sum(["at least one secondary care doctor on the board", "in 2012"])
    # A unit ends its word: "over 12 months" is a length of time.
    assert not states_sum(["outpatient followups were reviewed over 12 months"])


def test_a_sum_the_guidance_never_gives_is_refused(bot: Assistant) -> None:
    # Held at partial, the rules on the secondary care seat read "The closest passages say:",
    # as if the rate were among them.
    a = bot.ask("how much is the secondary care doctor on a CCG board paid per session?")
    assert a.outcome == "refuse" and a.refused and not a.citations
    assert a.answerability[0]["signals"].get(SUM_UNSTATED) == 1.0
    assert a.lead == "The guidance in this corpus gives no figure for the sum you ask about, so I will not guess."
    # The nearest sections are still named: the rules on the secondary care seat.
    assert any("Positions on the CCG" in n for n in a.nearest), a.nearest


def test_a_sum_the_guidance_gives_is_answered(bot: Assistant) -> None:
    a = bot.ask("how much funding per patient does each PCT have for consortium groundwork?")
    assert a.outcome == "answer"
    assert "£2 per patient" in a.text
    assert SUM_UNSTATED not in a.answerability[0]["signals"]


def test_only_the_part_asking_for_a_sum_is_capped(bot: Assistant) -> None:
    a = bot.ask("who has to sit on a CCG board? and what's the going rate for the secondary care doctor?")
    outcomes = [j["outcome"] for j in a.answerability]
    assert outcomes[0] == "answer" and outcomes[1] != "answer"
    assert a.outcome == "answer"


def test_what_becomes_of_pay_is_not_an_ask_for_a_sum(bot: Assistant) -> None:
    """The BMJ guide's "What will happen to my salary?" answers it (the contracts are unchanged, no
    rate is agreed nationally); it was refused because its best sentences state no sum."""
    a = bot.ask("what will happen to my salary if I get involved in commissioning?")
    assert not a.refused
    assert "no nationally agreed rate" in a.text
    assert a.answerability[0]["signals"]["money_missing"] == 0.0


def test_a_sum_asked_for_is_not_found_in_a_length_of_time(bot: Assistant) -> None:
    a = bot.ask("how much is the tariff for a first outpatient appointment")
    assert a.outcome != "answer"


def test_an_answer_that_only_points_to_another_guide_is_partial(bot: Assistant) -> None:
    """The quick guide's "What is co-commissioning?" holds only a link to a guide the corpus does
    not have: quoted alone, it had been labelled an answer."""
    a = bot.ask("What is co-commissioning?")
    assert a.outcome == "partial" and not a.refused
    assert a.answerability[0]["signals"].get(POINTS_ELSEWHERE) == 1.0
    assert "guide to co-commissioning" in a.text


def test_the_caps_read_the_quoted_sentences() -> None:
    assert cap("how much are board members paid?", ["There is no nationally agreed rate."]) == SUM_UNSTATED
    assert cap("how much are board members paid?", ["Each PCT has a fund of £2 per patient."]) is None
    assert cap("what is co-commissioning?", ["Read about the changes in our guide to co-commissioning."]) == (
        POINTS_ELSEWHERE
    )
    assert cap("what is co-commissioning?", ["Read more about it here.", "Co-commissioning is shared."]) is None


def test_the_person_cap_reads_the_quoted_sentences_without_speaker_labels() -> None:
    who = "who is the lead commissioner for diabetes in kent?"
    # A speaker's label names who speaks, not the one asked about.
    said = "TB (Dr Tony Brzezicki. chair Croydon CCG): We have appointed a new borough director."
    assert cap(who, [said]) == PERSON_UNNAMED
    assert cap(who, ["Medical director Robert Stewart, who has led the scheme, says it works."]) is None
    # Two capitalised words the passages never write in lower case: a name in passing, or a place.
    assert cap(who, ["May 2010: Andrew Lansley becomes health secretary."]) == PERSON_UNCONFIRMED
    assert cap(who, ["The Greater Manchester council meets monthly."], ["a greater say"]) == PERSON_UNNAMED
    # A body's name is no one's.
    assert cap(who, ["The NHS Commissioning Board will host it."], ["the commissioning board"]) == PERSON_UNNAMED
    # Not an ask for a person: the guidance answers these with roles.
    assert cap("who sits on a CCG board?", ["Every CCG board will include a nurse."]) is None


def test_the_organisation_cap_wants_a_name_the_ask_does_not_give() -> None:
    which = "Which hospital runs the acute GP service in Plymouth?"
    service = "At an acute GP service in Plymouth, GPs and secondary care colleagues manage emboli."
    assert cap(which, [service]) == ORGANISATION_UNNAMED
    assert cap(which, [service, "The service is run from Derriford Hospital."]) is None
    # A kind or a list asked for, not one organisation.
    assert cap("which hospital services will CCGs buy?", ["CCGs will buy elective care."]) is None
    assert cap("which practices can join a consortium?", ["A practice is free to join any consortium."]) is None


def test_a_count_asked_for_wants_a_numeral() -> None:
    assert asks_for_count("How many GP practices were members of CCGs when they went live?")
    assert asks_for_count("what percentage of a CCG's budget goes on mental health?")
    assert not asks_for_count("Are there many CCGs?")
    assert not asks_for_count("when did CCGs go live?")  # a date: left to the model
    how_many = "how many clinical senates are there?"
    assert cap(how_many, ["Clinical senates give strategic advice."]) == COUNT_UNSTATED
    assert cap(how_many, ["Twelve new clinical senates across England now provide advice."]) is None
    assert cap(how_many, ["There are 12 senates."]) is None


def test_a_count_the_guidance_never_gives_is_refused(bot: Assistant) -> None:
    a = bot.ask("How many extra GP training places does the NHS Long Term Workforce Plan promise?")
    assert a.outcome == "refuse" and not a.citations
    assert a.lead == "The guidance in this corpus gives no figure for the number you ask about, so I will not guess."
    # One it gives is answered.
    assert bot.ask("how many CCGs are there in England?").outcome == "answer"
