"""Kinds of source sentence and kinds of question, as the composer reads them."""

from __future__ import annotations

import pytest

from assistant.retrieval.kinds import (
    COMPARISON_Q,
    DEFINITION_Q,
    NUMBER,
    OBLIGATION,
    PERMISSION,
    asked_brevity,
    asking_sentence,
    asks_for_list,
    asks_for_number,
    asks_how,
    asks_what_it_is,
    asks_yes_or_no,
    counted,
    defines,
    defines_one_of,
    heading_date,
    is_item,
    is_label,
    is_pointer,
    is_question,
    is_statement,
    is_topic,
    kind_of_ask,
    number_answer,
    question_word,
    rule_asked,
)
from assistant.retrieval.lexical import terms


def test_source_sentences() -> None:
    assert is_statement("Every CCG has a board.")
    assert is_statement('He said "it works."')  # the stop inside the closing quote counts
    assert not is_statement("• a GP")
    assert is_question("So is there evidence that it works?")
    assert is_item("• a GP") and is_item("2) a nurse") and not is_item("2012 was a year.")
    assert is_label("Zana Khan, locum GP and clinical editor, BMJ Learning")
    assert not is_label("No: 97 (62%)")  # figures are data, not a byline
    # A training grade or a site's name with a digit in it is part of a byline, not a figure.
    assert is_label("Sarah Jones, paediatrics ST1, West Midlands")
    assert is_label("Dr_T, gastroenterology ST6, doc2doc")
    assert not is_label("Seventeen pathways, 2011 to 2013")


def test_a_count_is_a_number_and_a_pronoun_is_not() -> None:
    # "How many GPs ...?" answered with "one of the first success stories" has no count in it.
    for count in ("11 GPs", "eleven GPs", "at least one hospital doctor", "One GP sits", "a quarter", "seventeen"):
        assert NUMBER.search(count), count
    for pronoun in ("one of the first success stories", "no one knows", "the one that works", "someone", "phone"):
        assert not NUMBER.search(pronoun), pronoun


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


def test_a_definition_names_what_was_asked_before_its_verb() -> None:
    asked = set(terms("What is a health and wellbeing board?"))
    assert defines("A health and wellbeing board is a forum for local commissioners.", asked)
    assert not defines("Each council will set up a health and wellbeing board.", asked)
    assert defines("Health and wellbeing boards are responsible for joint strategies.", asked)
    # A passive says what is done to them, not what they are.
    assert not defines("Health and wellbeing boards are aligned with each upper tier local authority.", asked)
    assert not defines("Health and wellbeing boards are not expected to commission services.", asked)


def test_the_kind_of_number_asked_for() -> None:
    how_long = number_answer("How long are the strategic clinical networks set up for?")
    assert how_long.search("SCNs will be established for up to five years in the first instance")
    assert not how_long.search("Four strategic clinical networks have been confirmed for 2013:")
    how_often = number_answer("gp here - how often does the board meet?")
    assert how_often.search("The board meets every month.") and not how_often.search("The board has 12 members.")
    assert number_answer("When did NHS England take on its full responsibilities?").search("on 1 April 2013")
    assert number_answer("How many CCGs are there?") is NUMBER


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
    ("sentence", "points"),
    [
        ("Get more information about health and wellbeing boards.", True),
        ("Read about the changes to primary care commissioning in our guide to co-commissioning.", True),
        ("See all NHS reform content from BMJ Group on doc2doc's eLibrary", True),
        # Joined by the splitter to the quotation after it, which says something.
        ("Visit the BMJ Careers Centre for news careers.bmj.com “Consortiums will inherit duties.", False),
        ("Follow the link to the work streams, then select GP Commissioning.", True),
        # What a page will hold, not what it says: "what is joint commissioning?" opened with it.
        (
            "An overview of joint commissioning activity across the region will shortly be available on this website.",
            True,
        ),
        (
            "More information on joint commissioning is contained in the Bulletins, available at www.jip.org.",
            True,
        ),
        # Ending on a web address: an advertisement or a pointer, however many words lead to it.
        (
            "The BMJ General Update Masterclass for GPs includes a session on GP roles and "
            "opportunities in commissioning care masterclasses.bmj.com/GPs",
            True,
        ),
        ("Take BMJ Learning modules on commissioning learning.bmj.com/learning", True),
        ("The NHS Commissioning Board will commission primary care.", False),
        ("Guidance on conflicts of interest is available from the BMA.", False),
        ("Funding is available for the first two years of the scheme.", False),
        # Imperatives that advise rather than send the reader away.
        ("Get involved early in the design of pathways.", False),
        ("See box opposite.", False),
        ("Read the guidance carefully before you apply.", False),
        ("Find out what your CCG plans to commission.", False),
    ],
)
def test_a_link_kept_as_text_points_elsewhere(sentence: str, points: bool) -> None:
    assert is_pointer(sentence) is points


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


def test_a_heading_that_is_a_date() -> None:
    assert heading_date("TIMELINE AND LINKS › May 2010") == "May 2010"
    assert heading_date("Timeline › 2011") == "2011"
    assert heading_date("Timeline › Early 2012") == "Early 2012"
    # A heading that only mentions a date, or a number, is not one.
    assert heading_date("What happened in May 2010?") == ""
    assert heading_date("Quick wins › 2. Reducing referrals") == ""
    assert heading_date("") == ""


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


def test_what_is_defined_is_the_subject_not_a_thing_of_it() -> None:
    asked = set(terms("what do commissioning support units actually do"))
    assert not defines("The customers of the Commissioning Support Units will be the GPCC.", asked)
    assert defines("Commissioning support encompasses a range of functions, from payroll to data.", asked)
    boards = set(terms("what does a health and wellbeing board do?"))
    assert defines("The value of health and wellbeing boards will be their attention to integration.", boards)
