"""Kinds of source sentence, as the composer reads them: a statement, a question, a byline, a
list item, a pointer elsewhere, a definition, a date heading."""

from __future__ import annotations

import pytest

from assistant.retrieval.lexical import terms
from assistant.retrieval.sentence_kinds import (
    NUMBER,
    defines,
    heading_date,
    is_item,
    is_label,
    is_pointer,
    is_question,
    is_statement,
)


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


def test_a_definition_names_what_was_asked_before_its_verb() -> None:
    asked = set(terms("What is a health and wellbeing board?"))
    assert defines("A health and wellbeing board is a forum for local commissioners.", asked)
    assert not defines("Each council will set up a health and wellbeing board.", asked)
    assert defines("Health and wellbeing boards are responsible for joint strategies.", asked)
    # A passive says what is done to them, not what they are.
    assert not defines("Health and wellbeing boards are aligned with each upper tier local authority.", asked)
    assert not defines("Health and wellbeing boards are not expected to commission services.", asked)


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


def test_a_heading_that_is_a_date() -> None:
    assert heading_date("TIMELINE AND LINKS › May 2010") == "May 2010"
    assert heading_date("Timeline › 2011") == "2011"
    assert heading_date("Timeline › Early 2012") == "Early 2012"
    # A heading that only mentions a date, or a number, is not one.
    assert heading_date("What happened in May 2010?") == ""
    assert heading_date("Quick wins › 2. Reducing referrals") == ""
    assert heading_date("") == ""


def test_what_is_defined_is_the_subject_not_a_thing_of_it() -> None:
    asked = set(terms("what do commissioning support units actually do"))
    assert not defines("The customers of the Commissioning Support Units will be the GPCC.", asked)
    assert defines("Commissioning support encompasses a range of functions, from payroll to data.", asked)
    boards = set(terms("what does a health and wellbeing board do?"))
    assert defines("The value of health and wellbeing boards will be their attention to integration.", boards)
