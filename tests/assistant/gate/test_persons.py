"""An ask for a particular person whose answer names nobody is refused (`assistant/gate/persons.py`,
`caps.py`), against the real corpus."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.gate.caps import PERSON_UNCONFIRMED
from assistant.gate.persons import PERSON_NOW, PERSON_UNNAMED, may_name_someone, names_someone, wants_person
from assistant.types import Turn


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
        # One named body's chair is a person.
        "Who chairs Birmingham CrossCity CCG and what are its priorities?",
        "who runs the Tower Hamlets urgent care board?",
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
    # A bare full name may be one; whether its words are written in lower case nearby tells a
    # name from a body's.
    assert may_name_someone("May 2010: Andrew Lansley becomes health secretary.")
    assert not may_name_someone("The Health Secretary spoke.", ["the health secretary"])


def test_a_name_the_ask_gives_is_not_one_the_answer_gives() -> None:
    said = ["The urgent care board in Tower Hamlets brought GPs and consultants together."]
    assert may_name_someone(said)
    assert not may_name_someone(said, given="Who chairs the Tower Hamlets urgent care board?")
    assert may_name_someone([*said, "Jane Smith chairs it."], given="who chairs the tower hamlets board?")


def test_a_person_the_guidance_never_names_is_refused(bot: Assistant) -> None:
    a = bot.ask("who is the lmc representative on the leeds health and wellbeing board?")
    assert a.outcome == "refuse" and a.refused and not a.citations
    assert a.answerability[0]["signals"].get(PERSON_UNNAMED) == 1.0
    assert a.lead == "The guidance in this corpus does not name the person you ask about, so I will not guess."
    # The sections that come nearest are still named: the guidance's view of LMCs on these boards.
    assert any("Local Medical Committees" in n or "LMC" in n for n in a.nearest), a.nearest
    # Nor one the conversation's earlier question set up.
    chief = bot.ask(
        "who was the PCT chief exec who signed that off?",
        [
            {"role": "user", "content": "how did the kent pct set up its clinical commissioners?"},
            {
                "role": "assistant",
                "content": "NHS Eastern and Coastal Kent appointed 11 GPs as clinical commissioners.",
            },
        ],
    )
    assert chief.outcome == "refuse", chief.text
    # The Kent passages name their medical director, but not the one asked about: read from the
    # answer's sentences, not from its passages. What they quote has "Coastal Kent", two
    # capitalised words they never write in lower case, but the ask names that place itself.
    kent = bot.ask("Who is the lead commissioner for diabetes at NHS Eastern and Coastal Kent?")
    assert kent.outcome == "refuse", kent.text
    assert kent.answerability[0]["signals"].get(PERSON_UNNAMED) == 1.0
    # The timeline's entry names the one replaced, whom the ask names, not who replaced him; but
    # "Conservative-Liberal Democrat" reads as a pair of capitalised words it may be: partial.
    successor = bot.ask("Who replaced Andrew Lansley as health secretary?")
    assert successor.outcome == "partial", successor.text
    assert successor.answerability[0]["signals"].get(PERSON_UNCONFIRMED) == 1.0


def test_an_unnamed_person_refuses_only_its_own_part(bot: Assistant) -> None:
    a = bot.ask(
        "who is the lmc rep on the leeds health and wellbeing board? and what do health and wellbeing boards do?"
    )
    assert a.outcome == "answer", a.text
    judged = a.answerability
    assert [j["outcome"] for j in judged] == ["refuse", "answer"], judged
    assert "does not name the person this part asks about" in a.text
    assert a.citations


def test_a_person_the_guidance_names_is_answered(bot: Assistant) -> None:
    a = bot.ask("who was the medical director behind the kent clinical commissioner model?")
    assert a.outcome == "answer"
    assert "Robert Stewart" in a.text
    assert PERSON_UNNAMED not in a.answerability[0]["signals"]


def test_a_role_given_in_reply_to_the_sources_own_question_is_the_answer(bot: Assistant) -> None:
    """The interview asks each lead "Who is going to be your accountable officer?", and Somerset's
    answers with a role. After Somerset's wave, "who is their accountable officer going to be?"
    was refused as naming nobody."""
    first = "Which authorisation wave did Somerset CCG go for?"
    turns = [Turn("user", first), Turn("assistant", bot.ask(first).text)]
    a = bot.ask("and who is their accountable officer going to be?", turns)
    assert a.outcome == "answer", a.text
    assert "It is planned to be a senior manager." in a.text
    assert PERSON_UNNAMED not in a.answerability[0]["signals"]


def test_who_holds_a_post_now_is_refused_whatever_names_the_guidance_gives(bot: Assistant) -> None:
    """ "Chris Ham, chief executive of the King's Fund" opened a partial answer to this: a name,
    but another post's, and the guidance cannot know who holds any post today."""
    a = bot.ask("Who is the current chief executive of NHS England?")
    assert a.outcome == "refuse" and a.answerability[0]["signals"].get(PERSON_NOW) == 1.0
    assert a.lead.startswith("The guidance in this corpus is dated and cannot say who holds that post now")
    assert "Chris Ham" not in a.text
    # Asked of the guidance's own time, the same post is left to the answer's sentences.
    then = bot.ask("Who was the chief executive of the King's Fund quoted in the BMJ guide?")
    assert PERSON_NOW not in then.answerability[0]["signals"]


def test_an_organisation_the_guidance_never_names_is_refused(bot: Assistant) -> None:
    # The passage on the Plymouth service matches every word of the ask but the hospital's name.
    a = bot.ask("Which hospital runs the acute GP service in Plymouth?")
    assert a.outcome == "refuse" and not a.citations
    assert a.lead == "The guidance in this corpus does not name the organisation you ask about, so I will not guess."
