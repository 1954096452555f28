"""Typos mended against the corpus's words; English and clinical words left as written."""

from __future__ import annotations

from assistant import Assistant
from assistant.retrieval.lexical import LexicalIndex, terms
from assistant.retrieval.spelling import Speller

CORPUS = [
    "Commissioners tender services and receive bids.",
    "The CCGs commission care; commissioning support units help.",
    "Stating the value of a service is part of a business case.",
    "NHS England hosts them.",
]


def speller() -> tuple[Speller, LexicalIndex]:
    lexical = LexicalIndex.build([f"c{i}" for i in range(len(CORPUS))], CORPUS)
    return Speller(lexical.df), lexical


def test_slips_are_mended_to_corpus_words() -> None:
    sp, _ = speller()
    assert sp.correct("what did the commisioners recieve?") == "what did the commissioners receive?"
    # A doubled letter typed once, in a word the stemmer would otherwise cut differently.
    assert sp.correct("commision") == "commission"


def test_english_and_clinical_words_are_left_alone() -> None:
    sp, _ = speller()
    # "valve" is one letter from "value" (a corpus word) but is English: not a typo.
    assert sp.correct("aortic valve") == "aortic valve"
    # "statins" is in no English list here, and "stating" is a corpus word one letter away;
    # a replaced letter is not a keyboard slip, so the clinical word survives.
    assert sp.correct("should I stop statins") == "should I stop statins"
    # Short words have too many neighbours to guess between; known words and case stay.
    assert sp.correct("CCGs and the NHS, tendr") == "CCGs and the NHS, tendr"


def test_chat_shorthand_becomes_the_word_it_stands_for() -> None:
    sp, lexical = speller()
    assert sp.correct("resp - does our mgmt mtg count?") == "respiratory - does our management meeting count?"
    # Case is not kept for the replacement, and a shorthand the corpus itself uses stays.
    assert sp.correct("Ptnr") == "partner"
    uses_it = LexicalIndex.build(["c0"], ["The mgmt team met."])
    assert Speller(uses_it.df).correct("mgmt") == "mgmt"
    assert lexical.df("mgmt") == 0


def test_shorthand_may_stand_for_several_words_and_grades_are_read() -> None:
    sp, _ = speller()
    assert sp.correct("thinking abt being AO myself") == "thinking about being accountable officer myself"
    assert sp.correct("st3 here, cons in gen surg") == "trainee here, consultant in general surgery"
    # "F2 here, any way to get commissioning exp on my cv?" was refused: "exp" counted as a word
    # the corpus never uses, most of the ask's weight.
    assert (
        sp.correct("F2 here, any way to get commissioning exp")
        == "trainee here, any way to get commissioning experience"
    )
    assert sp.correct("hosp appts, esp outpatient") == "hospital appointments, especially outpatient"
    assert sp.correct("2 sesh a wk for 6 mths, reqs?") == "2 session a week for 6 months, requirements?"
    # "do we hav to join the ccg?" was not read as "have to", a rule asked for: its answer did not
    # open with "All GP practices have to be members of a CCG".
    assert sp.correct("do we hav to join, or wud it be optional") == "do we have to join, or would it be optional"
    # A past tense the stemmer leaves apart from the corpus's present ("said", "says").
    assert sp.correct("what came after it, and what was said") == "what come after it, and what was say"
    # "pros and cons" are not consultants; a word inside another ("doc2doc") is not shorthand.
    assert sp.correct("pros and cons of it") == "pros and cons of it"
    assert sp.correct("on doc2doc") == "on doc2doc"
    # Chat's question words: "wat r" asks for a list as "what are" does.
    assert sp.correct("wat r the 4 SCNs") == "what are the 4 SCNs"
    assert sp.correct("hw do ppl get on it tho") == "how do people get on it though"
    # A contraction without its apostrophe is its words, not a word the corpus never uses.
    assert sp.correct("whats a csu, whos on it") == "what is a csu, who is on it"
    assert sp.correct("lmcs on hwbs?") == "lmcs on health and wellbeing boards?"
    # Common NHS initials for what the corpus writes out: "hwbb = ? who sits on it" and "where did
    # public health go after april 2013, LA?" were refused for an acronym the corpus never writes.
    assert sp.correct("hwbb = ? who sits on it") == "health and wellbeing board = ? who sits on it"
    assert sp.correct("is public health run by the LA?") == "is public health run by the local authority?"
    assert sp.correct("do LAs or the DoH run LTCs") == (
        "do local authorities or the Department of Health run long term conditions"
    )
    # With the apostrophe too: "isn't" and "I'd" were words ("isnt", "id") the corpus never uses.
    assert sp.correct("I'd ask, but isn't it the hwb's job? we won't") == (
        "I would ask, but is not it the health and wellbeing board's job? we will not"
    )


def test_lower_case_acronym_plurals_match_in_bm25() -> None:
    _, lexical = speller()
    assert terms("ccgs") == ["ccgs"]  # the stemmer cannot tell it from a word
    assert lexical.query_terms("ccgs and nhs") == ["ccg", "nhs"]
    scores = lexical.scores("ccgs")
    assert scores.argmax() == 1 and scores[1] > 0


def test_the_assistant_retrieves_with_the_mended_question(bot: Assistant) -> None:
    """The ask shown keeps the writer's spelling; what is retrieved and judged is mended."""
    [(ask, judged, query, _subject)] = bot.plan("what do commisioning support units do")
    assert ask == "what do commisioning support units do"
    assert "commissioning support units" in judged and "commissioning support units" in query


def test_a_lower_case_plural_matches_headings_as_the_written_one_does(bot: Assistant) -> None:
    def headings(question: str) -> dict[str, float]:
        [part] = bot.retrieve(question)
        return {c.chunk.chunk_id: c.heading for c in part.cands}

    written, typed = headings("Who sits on the boards of CCGs?"), headings("who sits on the boards of ccgs?")
    assert any(v > 0 for v in written.values())
    assert {k: round(v, 6) for k, v in typed.items() if k in written} == {
        k: round(v, 6) for k, v in written.items() if k in typed
    }
