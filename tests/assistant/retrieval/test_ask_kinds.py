"""Kinds of answer an ask wants, as the composer and the gate read them: a number, a list, a
definition, a yes or no, a rule, how something is done, a short answer."""

from __future__ import annotations

import pytest

from assistant.retrieval.ask_kinds import (
    COMPARISON_Q,
    DEFINITION_Q,
    asked_brevity,
    asking_sentence,
    asks_for_list,
    asks_for_number,
    asks_how,
    asks_what_it_is,
    asks_yes_or_no,
    counted,
    is_topic,
    kind_of_ask,
    number_answer,
    question_word,
    rule_asked,
)
from assistant.retrieval.lexical import terms
from assistant.retrieval.sentence_kinds import (
    NUMBER,
    OBLIGATION,
    PERMISSION,
    defines_one_of,
)


def test_what_a_question_asks_for() -> None:
    assert asking_sentence("I sit on the board. Do I have to step out when they vote?") == (
        "Do I have to step out when they vote?"
    )
    assert asks_for_number("How many CSUs are there?")
    assert asks_for_number("when did CCGs start?")
    assert asks_for_number("If the Hutton proposals go through, what age could I end up having to work to?")
    assert not asks_for_number("I sit on the board. Do I have to step out when they vote?")
    # A date asked for without a "when" to open the ask.
    deadline = "whats the deadline for CSUs to go freestanding"
    assert asks_for_number(deadline) and number_answer(deadline).search("by April 2016 at the latest")
    assert not number_answer(deadline).search("the twenty-three commissioning support units")
    assert rule_asked("Do I have to step out?") is OBLIGATION
    assert rule_asked("Can a locum sit on the board?") is PERMISSION
    assert rule_asked("What is a CSU?") is None


def test_several_things_are_asked_for_by_a_question_word_heading_a_plural() -> None:
    for several in (
        "What are the four networks?",
        "Which surgical specialties got their own networks?",
        "i'm a cons. what sorts of things could i offer?",
        "How many were drawn up, and for what kind of conditions?",
        "has any practice done it + for which services?",
        "which ones pls",
        # The writer's situation first: the asking sentence is read on its own.
        "I'm a medical director pairing GPs with our managers. What are the key ingredients for it to work?",
        # After the source it names.
        "According to the BMJ guide what are the benefits and drawbacks of GP commissioning?",
    ):
        assert asks_for_list(several), several
    for one in (
        "What happens to my pension?",
        "Which one covers stroke?",
        "What kind of board does the BMA want?",
        "What percentage of GPs joined?",
        "Should we wait until we know which pathways matter?",  # a relative "which": a yes or no
        "Which process do CCGs follow?",
        "what is a CSU?",
        "I'm an ST5 in anaesthetics. Which one covers stroke?",
    ):
        assert not asks_for_list(one), one


def test_a_definition_is_asked_for_however_it_is_typed() -> None:
    for asks in (
        "What is a CSU?",
        "what's a CSU?",
        "whats a csu",
        "What’s QIPP?",
        "who's the accountable officer?",
        "what does QIPP mean?",
        "My F1s keep asking what 'commissioning' actually means.",
        "what is meant by clinical commissioning?",
        "is there a definition of commissioning?",
        "what even is a CCG?",
        "What exactly are clinical senates?",
    ):
        assert DEFINITION_Q.search(asks), asks
    for other in ("whatsapp group for the ccg?", "how do I get on the board?", "Can a locum sit on it?"):
        assert not DEFINITION_Q.search(other), other
    assert rule_asked("am i allowed to sit on the ccg board?") is PERMISSION


def test_the_kind_of_number_asked_for() -> None:
    how_long = number_answer("How long are the strategic clinical networks set up for?")
    assert how_long.search("SCNs will be established for up to five years in the first instance")
    assert not how_long.search("Four strategic clinical networks have been confirmed for 2013:")
    how_often = number_answer("gp here - how often does the board meet?")
    assert how_often.search("The board meets every month.") and not how_often.search("The board has 12 members.")
    assert number_answer("When did NHS England take on its full responsibilities?").search("on 1 April 2013")
    assert number_answer("How many CCGs are there?") is NUMBER
    # Time asked for in other words than "how long" wants a length of time, not any figure.
    for asks in ("how much time does being a clinical lead take each week?", "how many days a wk does it eat up?"):
        time_taken = number_answer(asks)
        assert time_taken.search("3 to 4 GP leaders who spend 2-3 days per week on commissioning work"), asks
        assert time_taken.search("One GP in each practice is likely to spend half a day a week"), asks
        assert not time_taken.search("England's 211 clinical commissioning groups (CCGs) will take over"), asks


def test_how_many_counts_the_thing_asked_about() -> None:
    count = counted("How many areas were they already using it in?")
    assert count is not None
    assert count.search("We're undertaking it in three areas currently.")
    assert not count.search("It covers about 20 CCGs across the East Midlands.")
    assert counted("gp here - how many CCGs have two boards?").search("one of only four CCGs in the country")  # type: ignore[union-attr]
    assert counted("When did it start?") is None
    # The thing counted as the bracketed acronym of the words after the number.
    ccgs = counted("how many CCGs are there")
    assert ccgs is not None
    assert ccgs.search("England's 211 clinical commissioning groups (CCGs) will take over from PCTs.")
    assert not ccgs.search("There are 27 local area teams (LATs) with contracts for CCGs.")


def test_a_comparison_is_answered_by_what_each_thing_compared_is() -> None:
    for asks in (
        "how are public involvement and patient engagement different?",
        "fundholding vs pbc - whats the diff",
        "pbc and fundholding, whats the diff?",  # chat's "diff" without the "vs"
        "I always muddle up patient engagement and patient experience",
        "Is clinical commissioning the same as practice based commissioning?",
    ):
        assert COMPARISON_Q.search(asks), asks
    assert not COMPARISON_Q.search("how do I get on a CCG board?")
    asked = set(terms("I keep mixing up public involvement, patient engagement and patient experience"))
    assert defines_one_of("Patient experience is about obtaining structured feedback.", asked)
    assert defines_one_of("Public involvement is the collective involvement of the community.", asked)
    assert not defines_one_of("It takes time to establish a representative panel.", asked)
    assert not defines_one_of("Patient panels can provide input, but there is little point.", asked)


def test_a_yes_or_no_is_a_question_without_a_question_word_whose_verb_comes_first() -> None:
    for yes_no in (
        "Is the seat paid?",
        "under pbc did gps hold the budget or not?",
        "gp here - is there a set rate?",
        "r we obliged to join a ccg",  # "r" for "are"
    ):
        assert asks_yes_or_no(yes_no), yes_no
    for other in (
        "How much is the seat paid?",
        "Do you know how much a chair gets?",
        "what budget do CCGs get?",
        "r&d funding for ccgs",
    ):
        assert not asks_yes_or_no(other), other


def test_a_scene_setting_clause_does_not_decide_what_kind_of_answer_is_asked_for() -> None:
    asked = "When the board discusses whether our CCG is ready, should I stay in the room?"
    assert asking_sentence(asked) == "should I stay in the room?"
    assert rule_asked(asking_sentence(asked)) is OBLIGATION
    assert not asks_for_number(asked)  # "when" here asks for no date
    # Chat drops the comma: an auxiliary before a pronoun opens the ask.
    assert asking_sentence("When the board discusses our CCG should I stay?") == "should I stay?"
    assert asking_sentence("If I join can I still refer?") == "can I still refer?"
    for question in ("When does the board meet?", "when is the CCG ready for authorisation?"):
        assert asking_sentence(question) == question
        assert asks_for_number(question)
    assert asks_for_number("When CCGs were set up, how many were there?")


def test_how_many_counts_the_plural_before_the_verb() -> None:
    pathways = counted("how many joint clinical pathways were developed?")
    assert pathways is not None
    assert pathways.search("Seventeen clinical pathways were developed jointly")
    assert not pathways.search("two specialty doctors run a joint service")
    gps = counted("how many GPs sit on the board?")
    assert gps is not None and gps.search("three GPs") and not gps.search("three boards")
    assert counted("How many were drawn up?") is None


def test_a_month_is_a_capitalised_name() -> None:
    when = number_answer("When did CCGs take over?")
    assert when.search("They took over in April 2013") and when.search("from May")
    assert not when.search("those who may not have experience")


def test_a_bare_topic_asks_what_it_is() -> None:
    for topic in ("fundholding", "monitor role", "CSUs?", "conflicts of interest"):
        assert is_topic(topic) and asks_what_it_is(topic), topic
    for question in (
        "how do I get on a CCG board?",
        "can I join?",
        "",
        "?",
        "ccg board membership rules for salaried gps",
    ):
        assert not is_topic(question), question
    assert asks_what_it_is("what is commissioning?") and not asks_what_it_is("how do I get on a CCG board?")


@pytest.mark.parametrize(
    ("question", "sentences"),
    [
        ("fy1 - no idea what commissioning even is tbh, can u explain in 2 lines", 2),
        ("in one sentence, what does Monitor do?", 1),
        ("briefly, what is a CSU?", 2),
        ("tl;dr on the quick guide pls", 2),
        ("what are the CSUs' plans, in a few sentences", 3),
        # Telephone advice lines are not a length.
        ("how many cons telephone advice lines did city & hackney set up?", None),
        ("what is a CSU?", None),
    ],
)
def test_a_request_for_a_short_answer_is_read(question: str, sentences: int | None) -> None:
    assert asked_brevity(question) == sentences


@pytest.mark.parametrize(
    ("ask", "folded", "read"),
    [
        # A question of its own: its kind is its own, whatever it borrowed.
        ("who chairs it", "who chairs it what is a health and wellbeing board", "ask"),
        ("is it paid", "is it paid how many hours does a board member give", "ask"),
        ("do i just email the ccg direct", "sas doctor in ortho, keen to help do i just email the ccg direct", "ask"),
        # An ellipsis, or no question word: the question it carries on from.
        ("what about SAS doctors?", "what about SAS doctors? how do I get on a CCG board?", "folded"),
        ("and how about in Wales", "and how about in Wales how many CCGs are there", "folded"),
        ("the salaried ones", "the salaried ones how much time do GPs give", "folded"),
        ("", "how many CCGs are there", "folded"),
    ],
)
def test_the_kind_of_answer_is_read_from_the_ask_when_it_has_a_question_of_its_own(
    ask: str, folded: str, read: str
) -> None:
    assert kind_of_ask(ask, folded) == (ask if read == "ask" else folded)


@pytest.mark.parametrize(
    ("question", "how"),
    [
        ("How did City and Hackney reduce emergency admissions?", True),
        ("how do I get on a CCG board?", True),
        ("and how can we involve patients?", True),
        ("what did Kent do to involve GPs?", True),
        ("how many CCGs are there?", False),
        ("how much time will it take?", False),
        ("Who can pay into the NHS pension scheme?", False),
        ("private provider nhs pension", False),
    ],
)
def test_an_ask_for_how_something_is_done(question: str, how: bool) -> None:
    assert asks_how(question) is how


def test_the_question_word_an_ask_or_a_heading_opens_with() -> None:
    assert question_word("Why GPs?") == "why"
    assert question_word("  Can I get fired from a consortium?") == "can"
    assert question_word("Whats a CSU") == "whats"
    assert question_word("GPs: why?") == "" and question_word("Whyever not") == ""
