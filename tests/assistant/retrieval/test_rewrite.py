"""Query rewriting: the glossary (templates/synonyms.txt) expanding doctors' words and shorthand into
the documents', and what a thin later ask borrows from the ask before it."""

from __future__ import annotations

from assistant.retrieval.lexical import terms
from assistant.retrieval.rewrite import (
    MAX_FOLDED,
    expand,
    heading_matcher,
    is_follow_up,
    referent,
    spelt_out,
    standalone_query,
    synonym_groups,
)
from assistant.types import Turn


def test_a_group_phrase_brings_the_others() -> None:
    expanded = expand("what does a csu do?")
    assert "commissioning support unit" in expanded and expanded.startswith("what does a csu do?")
    assert expand("what is the weather like?") == "what is the weather like?"


def test_plural_shorthand_is_read_like_the_singular() -> None:
    # "PEs", "CCGs", "CSUs": doctors pluralise acronyms; the documents spell the thing out.
    assert "pulmonary emboli" in expand("gps want to manage PEs in the community")
    assert "clinical commissioning group" in expand("how are CCGs run?")
    assert "commissioning support unit" in expand("what do csus sell?")
    # A phrase already present in either form is not added again.
    assert expand("ccgs and clinical commissioning groups").count("clinical commissioning group") == 1
    # Only a whole word's plural: "tbs" is TB's plural, "tbsp" is not.
    assert "tuberculosis" not in expand("add a tbsp of salt")


def test_a_phrase_followed_by_an_object_is_a_verb_not_a_name() -> None:
    # "how can commissioning support it?" was answered with commissioning support units' payroll
    # and IT services: "commissioning support" there is what commissioning does.
    assert "commissioning support unit" not in expand("what is integrated care and how can commissioning support it?")
    assert "commissioning support unit" not in expand("can commissioning support them")
    assert "commissioning support unit" in expand("who provides commissioning support to our ccg?")
    assert "commissioning support unit" in expand("commissioning support it? no, commissioning support for us")
    # A word alone is a name whatever follows: "was the pct our commissioner?"
    assert "primary care trust" in expand("was the pct our commissioner?")


def test_clinical_shorthand_groups_name_conditions_the_guidance_spells_out() -> None:
    groups = {g[0]: g for g in synonym_groups()}
    for short in ("pe", "tb", "copd", "ooh", "msk", "pcos", "osa"):
        assert short in groups and len(groups[short]) >= 2, short


def test_headings_are_matched_through_the_plural_too() -> None:
    # The index reads "ccgs" as "ccg"; the heading spells the groups out, so only the glossary,
    # seeing "ccgs" as "ccg", can credit it.
    qterms = set(terms("who sits on ccg?"))
    assert heading_matcher("who sits on ccgs?", True, qterms)("Clinical commissioning groups") == {"ccg"}
    assert heading_matcher("who sits on ccgs?", False, qterms)("Clinical commissioning groups") == set()


def test_a_word_inside_the_name_of_another_thing_does_not_match_a_heading() -> None:
    # "board" in "Health and wellbeing boards" is another board than the CCG's.
    match = heading_matcher("who sits on a CCG board?")
    assert match("Health and wellbeing boards › Partnership working") == set()
    assert match("NHS Commissioning Board") == set()
    assert "board" in match("Positions on the CCG's decision-making bodies")  # the glossary's "board"
    assert match("The CCG board") == {"ccg", "board"}
    # Named in the query, the name matches as before, in either spelling.
    assert "board" in heading_matcher("what does a health and wellbeing board do?")("Health and wellbeing boards")
    assert "board" in heading_matcher("who chairs the health and well-being board?")("Health and well-being boards")
    assert "board" in heading_matcher("who sits on the HWB board?")("Health and wellbeing boards")


def test_a_pronoun_borrows_the_names_of_the_ask_before_it_and_ellipsis_the_whole_ask() -> None:
    before = "Which authorisation wave did Somerset CCG go for,"
    # "they" is Somerset CCG; "which authorisation wave" was the first ask's question, not this one's.
    assert referent("what did they see as their next big issue?", before) == "Somerset CCG"
    assert referent("and when?", before) == before  # ellipsis keeps the earlier question
    assert referent("what about SAS doctors?", before) == before
    # Nothing named to stand for: the whole earlier ask, as before.
    assert referent("when did they start?", "how do practices form consortiums") == "how do practices form consortiums"


def test_everyday_words_for_pay_and_pros_and_cons_reach_the_guidance_words() -> None:
    assert "rate" in expand("will I be paid for doing commissioning work?")
    assert "drawbacks" in expand("what are the downsides of GP commissioning?")
    assert expand("how do I refer?") == "how do I refer?"


def _asked(*questions: str) -> list[Turn]:
    return [t for q in questions for t in (Turn("user", q), Turn("assistant", f"(answer to {q})"))]


def test_a_chain_of_follow_ups_keeps_the_question_that_set_its_topic() -> None:
    board = "how do I get on a CCG board?"
    # "is it paid?" is about the board; so is the follow-up to it, which "is it paid?" alone
    # does not say (the third turn was searched without "CCG", and refused as off the subject).
    assert standalone_query("is it paid?", _asked(board)) == f"is it paid? {board}"
    assert standalone_query("how much time does it take?", _asked(board, "is it paid?")) == (
        f"how much time does it take? is it paid? {board}"
    )
    # A question that stands alone borrows nothing, and stops the chain for the ones after it.
    pension = "What happens to my NHS pension if I take a CCG role?"
    assert standalone_query(pension, _asked(board)) == pension
    assert standalone_query("and tax?", _asked(board, pension)) == f"and tax? {pension}"
    # The chain has a length: a long run of follow-ups does not fold in the whole conversation.
    thin = [f"and {w}?" for w in ("nurses", "dentists", "pharmacists", "physios", "midwives")]
    folded = standalone_query("and porters?", _asked(board, *thin))
    assert folded == " ".join(["and porters?", *reversed(thin[-MAX_FOLDED:])]) and board not in folded


def test_so_opens_a_follow_up() -> None:
    # Four terms and no pronoun: "so" is what says it carries on from the thread.
    assert is_follow_up("so wheres the money coming from in the meantime")
    assert not is_follow_up("where does the money for commissioning support come from in the meantime")


def test_a_pronoun_typed_without_its_apostrophe_still_points_back() -> None:
    # Slack drops apostrophes: "theyre" stands for what the ask before it named, as "they're" does.
    assert is_follow_up("who checks theyre doing a decent job")
    assert is_follow_up("who checks they're doing a decent job")
    assert not is_follow_up("who checks the CCG board members are doing a decent job for patients")


def test_an_acronym_is_spelt_out_for_the_embedding_model() -> None:
    """The glossary's acronyms get what they stand for beside them, plurals kept; "GP" and "CCG"
    stay as they are (the model reads the first, and most passages write the second so); a long
    lower-case word is a word, not an acronym."""
    assert spelt_out("Who replaced PCTs and SHAs?") == (
        "Who replaced PCTs (primary care trusts) and SHAs (strategic health authorities)?"
    )
    assert spelt_out("whats a csu, does our ccg need one") == (
        "whats a csu (commissioning support unit), does our ccg need one"
    )
    assert spelt_out("gp partner on the hwb") == "gp partner on the hwb (health and wellbeing board)"
    assert spelt_out("is the CSU hosted by NHSCB") == (
        "is the CSU (commissioning support unit) hosted by NHSCB (nhs commissioning board)"
    )
    assert spelt_out("nhscb and the ccg") == "nhscb and the ccg"
    assert spelt_out("Are you ok") == "Are you ok"
