from __future__ import annotations

import pytest

from assistant.gate.acronyms import asked_acronym, initials, spells, spelt_out


@pytest.mark.parametrize(
    ("acronym", "text"),
    [
        ("QOF", "The Quality and Outcomes Framework (QOF) shows all too clearly how targets distort."),
        ("CSU", "NHS England is hosting the twenty-three commissioning support units (CSUs) that emerged."),
        ("CSU", "CSUs (commissioning support units) will move to freestanding models."),
        ("HWB", "Health and wellbeing boards (HWBs) are aligned with each upper tier local authority."),
        ("QIPP", "QIPP stands for quality, innovation, productivity and prevention."),
        ("AQP", "AQP is a policy that lets patients choose a provider."),
        # Described where it is named: "what is ELIC?" was hedged as if the guidance never said.
        ("ELIC", "In City and Hackney, through ELIC (a social enterprise set up in 2006 covering 30 practices), GPs"),
        ("ELIC", "Its commissioning arm, ELIC, a social enterprise, covers 30 practices."),
    ],
)
def test_an_acronym_spelt_out_or_defined_is_recognised(acronym: str, text: str) -> None:
    assert spelt_out(acronym, text)


@pytest.mark.parametrize(
    ("acronym", "text"),
    [
        ("QIPP", "Many of these initiatives should already be included in the QIPP plans."),
        # A bracket beside it that is not its spelling-out.
        ("AQP", "There is a place for AQP (in some areas) to improve choice."),
        # Spelt out with other initials.
        ("CSU", "The commissioning unit (CSU) was closed."),
        # A clause after it, not a description of it.
        ("AQP", "We will use AQP, the board says, for cataracts."),
        ("QIPP", "Many are in the QIPP plans (the last of which ended in 2015)."),
    ],
)
def test_a_mention_is_not_a_definition(acronym: str, text: str) -> None:
    assert not spelt_out(acronym, text)


@pytest.mark.parametrize(
    ("ask", "acronym"),
    [
        ("what is QIPP?", "QIPP"),
        ("What does CSU stand for?", "CSU"),
        ("CSUs", "CSU"),
        ("whats QOF", "QOF"),
        ("what is meant by AQP?", "AQP"),
        # A capital S is the acronym's own; a small one is a plural.
        ("what is the NHS?", "NHS"),
        ("what are CSUs", "CSU"),
        # Not an ask for what an acronym is.
        ("what is a CCG's governance committee responsible for", None),
        ("what is the BMA's view?", None),
        ("how do I join a CCG?", None),
        ("what is commissioning?", None),
    ],
)
def test_the_acronym_an_ask_asks_about(ask: str, acronym: str | None) -> None:
    # Written in capitals, the ask alone says it is an acronym; the passages are not read.
    assert asked_acronym(ask, []) == acronym


def test_initials_skip_linking_words() -> None:
    assert initials("health and wellbeing board") == "hwb"
    assert initials("Quality and Outcomes Framework") == "qof"


def test_spelling_out_is_the_words_beside_it_not_a_statement_about_it() -> None:
    assert spells("LMC", "representatives of local medical committees (LMCs) and we have raised this")
    assert spells("CSU", "CSUs (commissioning support units) are hosted by NHS England.")
    said = "LMCs represent the views of the local profession and will be central to CCGs."
    assert spelt_out("LMC", said) and not spells("LMC", said)
