"""Taking a message apart into the writer's situation and its asks."""

from __future__ import annotations

import pytest

from assistant.gate.asks import split_asks, without_introduction, without_request


def test_a_plain_question_is_one_ask_without_context() -> None:
    a = split_asks("how do I get on a CCG board?")
    assert a.context == "" and a.parts == ("how do I get on a CCG board?",) and not a.multi


def test_the_situation_before_the_question_is_context() -> None:
    a = split_asks("I'm a salaried GP in a big practice. Can I stand for the CCG board?")
    assert a.context == "I'm a salaried GP in a big practice."
    assert a.parts == ("Can I stand for the CCG board?",)


def test_two_asks_joined_by_and_are_two_parts_in_order() -> None:
    a = split_asks("who has to sit on a CCG board, and can the hospital doctor come from our own trust?")
    assert a.multi
    assert a.parts == ("who has to sit on a CCG board", "can the hospital doctor come from our own trust?")


def test_a_question_word_after_its_preposition_opens_an_ask_with_a_verb_of_its_own() -> None:
    """ "How many commissioning support units are there and by when do they have to become
    freestanding?" was one ask, and its answer opened on the date with the count third."""
    a = split_asks("How many commissioning support units are there and by when do they have to become freestanding?")
    assert a.parts == ("How many commissioning support units are there", "by when do they have to become freestanding?")
    assert split_asks("who pays and to whom do I send the invoice?").parts == (
        "who pays",
        "to whom do I send the invoice?",
    )
    # Without a verb it asks the ask before it for a duration or a detail: one ask, as the
    # Plymouth anticoagulant question kept its refusal whole.
    for whole in (
        "Did the Kent primary care trust offer anything like that for trainees, and for how long?",
        "which anticoagulant do they use and for how many months?",
    ):
        assert not split_asks(whole).multi, whole


def test_an_ask_opened_by_chat_slang_is_an_ask_and_what_comes_before_it_the_situation() -> None:
    # Read as one ask with its chatter, "fy1 on nights, bored. wtf is a csu" was refused.
    a = split_asks("fy1 on nights, bored. wtf is a csu")
    assert a.context == "fy1 on nights, bored." and a.parts == ("wtf is a csu",)


def test_r_for_are_before_a_pronoun_opens_a_second_ask() -> None:
    # Read as one ask, the accountable-officer half was never answered.
    a = split_asks("gp partner in croydon here - whos our accountable officer gonna be and r we first wave?")
    assert a.context == "gp partner in croydon here"
    assert a.parts == ("whos our accountable officer gonna be", "r we first wave?")
    # "r" before anything else is no ask.
    assert split_asks("is r&d funded by ccgs").parts == ("is r&d funded by ccgs",)


def test_also_after_its_subject_is_the_clauses_adverb_not_a_second_ask() -> None:
    # Split at "also", the message asked "Is that a conflict of intrest if i?" and "Do private work?".
    a = split_asks(
        "sas doc here, been asked to sit on ccg board, is that a conflict of intrest if i also do private work?"
    )
    assert a.parts == ("is that a conflict of intrest if i also do private work?",)
    assert split_asks("can we also ask the lmc?").parts == ("can we also ask the lmc?",)
    # "also" opening a clause of its own still asks again.
    assert split_asks("what does a ccg do also who pays for it?").parts == ("what does a ccg do", "who pays for it?")


def test_slack_style_dash_separates_situation_from_ask() -> None:
    a = split_asks("fy2 here - how do i get involved in commissioning? and is there any training")
    assert a.context == "fy2 here"
    assert len(a.parts) == 2 and a.parts[0].startswith("how do i get involved")


def test_a_role_before_chats_whats_without_a_question_mark_is_the_situation() -> None:
    # No "?" and no clause asking: the whole message was one ask, role and both asks together,
    # and was refused.
    a = split_asks("PM here, whats a CSU and do practices pay for it")
    assert a.context == "PM here"
    assert a.parts == ("whats a CSU", "do practices pay for it")
    assert split_asks("retired gp thinkin of coming back, wot happened to PCTs n SHAs").parts == (
        "wot happened to PCTs n SHAs",
    )
    # A clause that asks already marks where the question begins: the message splits as before.
    assert split_asks("gp here, whats a CSU?").parts == ("gp here, whats a CSU?",)


def test_chats_n_and_ampersand_join_two_asks_as_and_does() -> None:
    # Unsplit, "wats AQP" got no line saying what AQP stands for, and the panel's replies opened.
    assert split_asks("wats AQP n are ccgs using it").parts == ("wats AQP", "are ccgs using it")
    assert split_asks("whats a csu & who pays for it").parts == ("whats a csu", "who pays for it")
    # Between two names, "n" joins the names, not two asks.
    assert split_asks("wot happened to PCTs n SHAs").parts == ("wot happened to PCTs n SHAs",)


def test_a_fragment_stays_with_the_ask_before_it() -> None:
    a = split_asks("What is a CSU and why?")
    assert a.parts == ("What is a CSU and why?",)


def test_an_alternative_too_small_to_stand_alone_keeps_its_words() -> None:
    # "Is it" names nothing: the message is one ask, written as it was (the "or" kept).
    a = split_asks("Doctors led the buying of care. Is it, or is the picture murkier than that?")
    assert a.parts == ("Is it, or is the picture murkier than that?",)


def test_choices_offered_for_an_ask_stay_with_it() -> None:
    a = split_asks("Since 2022, who actually holds our practice's GMS contract - the ICB or NHS England?")
    assert a.context == "Since 2022"
    assert a.parts == ("who actually holds our practice's GMS contract - the ICB or NHS England?",)
    # An alternative that asks a question of its own is judged on its own.
    b = split_asks("Is there a national rate for board GPs, or does each CCG set its own pay for the role?")
    assert b.parts == ("Is there a national rate for board GPs", "does each CCG set its own pay for the role?")


@pytest.mark.parametrize(
    "message",
    [
        "Is there a national rate for board GPs, or does it all get agreed locally?",
        "pm at a small practice, do we HAVE to be a member of the ccg or can we opt out?",
        "do ccgs actually hold the budget or does nhs england",
    ],
)
def test_a_short_alternative_is_the_same_ask(message: str) -> None:
    # The other side of one question, or an "or" that leaves its verb to the ask before it: split
    # off, "does nhs england" was searched and answered on its own.
    a = split_asks(message)
    assert len(a.parts) == 1 and " or " in a.parts[0]


def test_the_same_ask_twice_is_one_ask() -> None:
    a = split_asks("how do I join a CCG board? How do I join a CCG board")
    assert a.parts == ("how do I join a CCG board?",) and not a.multi
    b = split_asks("what is a CSU? what is a CSU? and who runs them?")
    assert b.parts == ("what is a CSU?", "who runs them?")


def test_at_most_three_asks() -> None:
    a = split_asks("What is a CCG? What is a CSU? What is Monitor? What is the NHS CB?")
    assert len(a.parts) == 3 and a.parts[2] == "What is Monitor? What is the NHS CB?"


@pytest.mark.parametrize("message", ["", "   ", "?", "and why?", "tell me about CSUs"])
def test_degenerate_messages_are_one_ask(message: str) -> None:
    a = split_asks(message)
    assert len(a.parts) == 1


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        # "ok" was an ask of its own, answered "the guidance does not cover this part".
        ("ok, and does it have a part in joined-up care?", ("does it have a part in joined-up care?",)),
        ("hi all - how do I get on a ccg board? thanks", ("how do I get on a ccg board?",)),
        ("great, thanks. what about SAS doctors?", ("what about SAS doctors?",)),
    ],
)
def test_greetings_thanks_and_acknowledgements_are_neither_asks_nor_situation(
    message: str, parts: tuple[str, ...]
) -> None:
    a = split_asks(message)
    assert a.parts == parts and a.context == ""


def test_a_when_clause_that_sets_the_scene_is_not_an_ask_of_its_own() -> None:
    """ "When the board discusses ..., should I stay?" asks one thing; the "when" clause says when,
    as "If I join, ..." does. "When does it start" asks."""
    asks = split_asks("When the board discusses whether our CCG is ready, should I stay in the room?")
    assert asks.parts == ("should I stay in the room?",)
    assert asks.context == "When the board discusses whether our CCG is ready"
    assert split_asks("If I join, can I still refer?").parts == ("can I still refer?",)
    assert split_asks("When does it start - and who pays?").parts == ("When does it start", "who pays?")


def test_a_phrase_scoping_the_asks_is_their_scope_not_the_writers_situation() -> None:
    """ "In the Kent model," says what the asks are about: they are judged and answered with it.
    "I'm a GP in Leeds." describes the writer and is no scope."""
    asks = split_asks("In the Kent model, what did each pair work on, and what came out of the respiratory pairing?")
    assert asks.context == "In the Kent model" and asks.scope == "In the Kent model"
    assert asks.parts == ("what did each pair work on", "what came out of the respiratory pairing?")
    asks = split_asks("Our practice just joined a consortium. In day-to-day terms, what is it supposed to do?")
    assert asks.scope == "In day-to-day terms"
    assert split_asks("I'm a GP in Leeds. What is a CCG?").scope == ""
    assert split_asks("In our practice we're all salaried, can we join?").scope == ""


def test_not_knowing_what_a_thing_is_asks_what_it_is() -> None:
    # As the writer's situation, "no idea what commissioning even is" left "can u explain in 2
    # lines" to be searched alone; it is the ask, put as the question it stands for.
    a = split_asks("fy1 - no idea what commissioning even is tbh, can u explain in 2 lines")
    assert a.context == "fy1"
    assert a.parts == ("what is commissioning tbh can u explain in 2 lines",)
    assert split_asks("not sure what a csu is").parts == ("what is a csu",)
    # Not knowing how or why is an ask too, in the writer's words.
    b = split_asks("honestly no idea how the ccg works. also who is on the board?")
    assert b.parts == ("honestly no idea how the ccg works.", "who is on the board?")
    # Wondering in the middle of a sentence about oneself is still the writer's situation.
    c = split_asks("I'm a partner in a practice and I've been wondering why our chair was so keen")
    assert c.parts == ("I'm a partner in a practice and I've been wondering why our chair was so keen",)


@pytest.mark.parametrize(
    ("ask", "judged"),
    [
        ("List the new commissioning structures.", "the new commissioning structures."),
        ("can you list the SCNs", "the SCNs"),
        ("Name the four sectors of NHS England", "the four sectors of NHS England"),
        ("tell me more about the coventry one", "the coventry one"),
        ("Explain how the pension changes work", "how the pension changes work"),
        # "Name" as a noun, and an instruction with nothing after it, are kept as written.
        ("Name of the CCG chair?", "Name of the CCG chair?"),
        ("describe", "describe"),
        ("who sits on the board?", "who sits on the board?"),
        # How the answer should be put is no word of its subject either; "plain" alone is.
        ("In plain English, what does commissioning actually mean?", "what does commissioning actually mean?"),
        ("whats a csu in a nutshell", "whats a csu"),
        ("explain in layman's terms what a CCG does", "what a CCG does"),
        ("what is the plain truth about pensions?", "what is the plain truth about pensions?"),
        ("in plain english", "in plain english"),
    ],
)
def test_an_instructions_verb_is_not_judged_as_a_word_of_its_subject(ask: str, judged: str) -> None:
    assert without_request(ask) == judged


def test_a_request_for_the_form_of_an_answer_goes_with_its_ask() -> None:
    a = split_asks("what does a CSU do? explain simply pls")
    assert a.parts == ("what does a CSU do? explain simply pls",)


@pytest.mark.parametrize(
    ("message", "context", "parts"),
    [
        (
            "Two q's: 1) what is the single operating model 2) how many local area teams does NHS England have",
            "Two q's",
            ("what is the single operating model", "how many local area teams does NHS England have"),
        ),
        ("1. what is a csu 2. who hosts them", "", ("what is a csu", "who hosts them")),
        ("quick qs - (1) whats a ccg (2) do i have to join", "quick qs", ("whats a ccg", "do i have to join")),
        ("a) who sits on the board b) is it paid", "", ("who sits on the board", "is it paid")),
        # One number, or numbers that do not count up, mark no list.
        ("what does section 2. say about monitor", "", ("what does section 2. say about monitor",)),
        ("what do 3) and 7) in the list mean", "", ("what do 3) and 7) in the list mean",)),
    ],
)
def test_a_numbered_list_of_asks_is_split_at_its_numbers(message: str, context: str, parts: tuple[str, ...]) -> None:
    """ "Two q's: 1) what is the single operating model 2) how many local area teams ..." was
    searched and answered as one ask, and "how many" got the four regional sectors."""
    asks = split_asks(message)
    assert (asks.context, asks.parts) == (context, parts)


@pytest.mark.parametrize(
    ("ask", "shown"),
    [
        # Echoed back as the first part's heading, "Fy2 here, whats a CSU?".
        ("fy2 here, whats a CSU", "whats a CSU"),
        ("gp partner here - who runs them", "who runs them"),
        ("so, what is it", "what is it"),
        # Nothing before the ask, or nothing that asks: as written.
        ("whats a CSU", "whats a CSU"),
        ("Who actually writes it? ccg keeps mentioning it", "Who actually writes it? ccg keeps mentioning it"),
        ("tell me about csus", "tell me about csus"),
    ],
)
def test_an_ask_is_shown_without_its_introduction(ask: str, shown: str) -> None:
    assert without_introduction(ask) == shown


def test_a_word_of_chat_before_the_question_word_still_asks() -> None:
    """ "realistically how many days ..." is an ask; read as the writer's situation, it left the
    message's ask to be the examples after the dash ("contracts, sick pay etc?")."""
    a = split_asks(
        "thinking of getting stuck into my CCG. realistically how many days a wk does it eat up, and "
        "what's the employment side like for GP leads - contracts, sick pay etc?"
    )
    assert a.context == "thinking of getting stuck into my CCG."
    assert a.parts == (
        "realistically how many days a wk does it eat up",
        "what's the employment side like for GP leads - contracts, sick pay etc?",
    )


def test_what_follows_a_dash_without_a_question_word_belongs_to_the_ask_before() -> None:
    a = split_asks("what about the bedfordshire one - anything unusual about theirs?")
    assert a.parts == ("what about the bedfordshire one - anything unusual about theirs?",)
    # A question of its own after the dash is still one.
    assert split_asks("When does it start - and who pays?").parts == ("When does it start", "who pays?")
    # After a full stop or question mark, a bare "pensions?" is an ask of its own.
    assert split_asks("what about pay? pensions?").parts == ("what about pay?", "pensions?")
