"""The hard checks a generated sentence must pass: its numbers, names and polarity."""

from __future__ import annotations

from assistant.generation.facts import missing_names, missing_quantities, polarity_problems

# Monitor's section of the quick guide, as the checker tests use it.
MONITOR = (
    "The BMA has successfully lobbied to change the role of Monitor away from promoting competition. "
    "The Health and Social Care Act now states that Monitor's main duty is to regulate healthcare providers, "
    "regulate prices for NHS services and address restrictions on competition that act against patients' "
    "interests. All providers of NHS healthcare services, unless exempted, will be required to hold a licence "
    "with Monitor."
)


def test_numbers_money_and_dates_must_occur() -> None:
    p = "England's 211 CCGs will be responsible for £65bn of the £95bn budget from 1 April 2013; twenty-three CSUs."
    assert missing_quantities("CCGs hold £65bn.", p) == []
    assert missing_quantities("CCGs hold £65 billion.", p) == []
    assert missing_quantities("CCGs hold £65m.", p) == ["65 million"]
    assert missing_quantities("There are 212 CCGs.", p) == ["212"]
    assert missing_quantities("From 1 April 2014.", p) == ["2014"]
    assert missing_quantities("There are 23 CSUs.", p) == []
    assert missing_quantities("There are three CSUs.", p) == ["3"]


def test_an_ordinal_is_not_a_count() -> None:
    """Found by drawing the labelled checker set afresh (bench/make_checker_set.py): a "four"
    put in place of "two" was accepted because the same sentence says "fourth"."""
    src = "TB: Probably fourth wave, because we started as two CCGs and then had to merge."
    assert missing_quantities("TB: Probably fourth wave, because we started as four CCGs.", src) == ["4"]
    assert missing_quantities("Croydon went for the 4th wave.", src) == []
    assert missing_quantities("Croydon went for the fourth wave, having started as 2 CCGs.", src) == []
    assert missing_quantities("Croydon went for the fifth wave.", src) == ["5th"]


def test_proper_names_must_occur() -> None:
    known = frozenset({"monitor", "healthwatch"})
    assert missing_names("Monitor regulates NHS providers.", MONITOR, known) == []
    assert missing_names("Healthwatch regulates NHS providers.", MONITOR, known) == ["healthwatch"]
    assert missing_names("The duty belongs to the CQC.", MONITOR, known) == ["cqc"]
    assert missing_names("Providers in Wales need a licence.", MONITOR, known) == ["wales"]


def test_polarity_and_modality_must_match() -> None:
    src = ["The Health and Social Care Act now states that Monitor's main duty is to regulate healthcare providers."]
    assert polarity_problems("Monitor's main duty is to regulate healthcare providers.", src) == []
    assert polarity_problems("Monitor's main duty is not to regulate healthcare providers.", src)
    may = ["The most appropriate secondary care doctor may be an associate specialist or specialty doctor."]
    assert polarity_problems("The most suitable secondary care doctor may be an associate specialist.", may) == []
    assert polarity_problems("The most suitable secondary care doctor must be an associate specialist.", may)
    # "may" dropped: a possibility stated as a fact.
    assert polarity_problems("The most appropriate secondary care doctor is an associate specialist.", may)
    must = ["All providers, unless exempted, will be required to hold a licence with Monitor."]
    assert polarity_problems("Unless exempt, all providers need to hold a licence with Monitor.", must) == []
    assert polarity_problems("Unless exempt, all providers may hold a licence with Monitor.", must)
