"""An ask for a particular person whose passages name nobody is answered at most in part
(`assistant/answer/persons.py`), against the real corpus."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.answer.persons import PERSON_UNNAMED, names_someone, wants_person


@pytest.mark.parametrize(
    "ask",
    [
        "who is the lmc representative on the leeds health and wellbeing board?",
        "Who was the first chair of Monitor?",
        "whos the borough director croydon appointed? need a name",
        "which councillor chairs ours in sheffield?",
        "and who ended up winning the contract?",
        "what are the names of the GPs on the board?",
        # Answered outright with "May 2010: Andrew Lansley becomes health secretary ...".
        "Who replaced Andrew Lansley as health secretary?",
        "who took over from lansley?",
    ],
)
def test_asks_for_a_person(ask: str) -> None:
    assert wants_person(ask)


@pytest.mark.parametrize(
    "ask",
    [
        # A role or a body answers these.
        "who sits on a CCG board?",
        "who decides what gets commissioned?",
        "who chairs the health and wellbeing board?",
        "who runs the clinical senates?",
        # "who" inside the writer's own description, not asking.
        "I'm a consultant who runs several clinical trials - should commissioners involve me?",
    ],
)
def test_asks_for_a_role_or_nobody(ask: str) -> None:
    assert not wants_person(ask)


def test_a_person_as_the_guidance_names_one() -> None:
    assert names_someone("Herne Bay GP Simon Dunn had worked with Dr Dunn before.")
    assert names_someone("Medical director Robert Stewart, who has been trailblazing this way of working, says")
    assert names_someone("Jim Rodger, medical director, said the scheme worked.")
    # A body's name before its acronym, and a capitalised phrase, are nobody.
    assert not names_someone("There is an existing clear Joint Strategic Needs Assessment (JSNA) with a rich base.")
    assert not names_someone("The Health and Social Care Act now states that Monitor protects patients.")


def test_a_person_the_guidance_never_names_is_answered_in_part(bot: Assistant) -> None:
    a = bot.ask("who is the lmc representative on the leeds health and wellbeing board?")
    assert a.outcome == "partial" and not a.refused
    assert a.answerability[0]["signals"].get(PERSON_UNNAMED) == 1.0
    # The closest passages still come, cited: the guidance's view of LMCs on these boards.
    assert a.citations and "LMC" in a.text
    # The timeline's entry names the one replaced, not who replaced him.
    successor = bot.ask("Who replaced Andrew Lansley as health secretary?")
    assert successor.outcome == "partial", successor.text


def test_a_person_the_guidance_names_is_answered(bot: Assistant) -> None:
    a = bot.ask("who was the medical director behind the kent clinical commissioner model?")
    assert a.outcome == "answer"
    assert "Robert Stewart" in a.text
    assert PERSON_UNNAMED not in a.answerability[0]["signals"]
