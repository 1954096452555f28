"""Interview turns: a sentence quoted from mid-turn keeps its speaker."""

from __future__ import annotations

import numpy as np

from assistant.composition.compose import compose
from assistant.composition.speakers import named_speakers, panel_answer, turns
from assistant.retrieval.retrieve import Candidate
from assistant.retrieval.sentences import split_sentences
from assistant.types import Chunk

BT = "BT (Dr Bill Tamkin, shadow chair South Manchester CCG):"
PASSAGE = (
    f"{BT} It will be a management member. My concern about a GP taking on the role is the time it takes. "
    "If I had the role that would be difficult.\n\n"
    "It's a fairly complicated picture in Manchester.\n\n"
    "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Me. A GP!\n\n"
    "TB (Dr Tony Brzezicki. chair Croydon CCG): We have appointed a new borough director.\n\n"
    "How is it going with your health and wellbeing board?\n\n"
    "Nobody said."
)


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def _interview(
    text: str, section: str, sims: list[float], heading: float = 0.0
) -> tuple[list[Candidate], dict[str, tuple[list[str], np.ndarray]]]:
    """`text` as the one retrieved passage of an interview, its sentences scored `sims`;
    `heading`: how well the interviewer's question (the section) matches the ask."""
    sentences = _sentences(text)
    chunk = Chunk("c0", "coalface", "c.txt", "Change at the coalface", "", "2012", section, None, 0, len(text), text)
    cand = Candidate(chunk, score=0.8, sentence=max(sims), sentence_sims=np.array(sims))
    cand.heading = heading
    return [cand], {"c0": (sentences, np.zeros((len(sentences), 4), dtype=np.float32))}


def test_each_sentence_knows_the_turn_it_is_in() -> None:
    sentences = _sentences(PASSAGE)
    said = dict(zip(sentences, turns(PASSAGE, sentences), strict=True))
    assert said[f"{BT} It will be a management member."] is None  # it names its speaker itself
    assert said["If I had the role that would be difficult."] == BT
    assert said["It's a fairly complicated picture in Manchester."] == BT  # a turn runs over paragraphs
    assert said["A GP!"] == "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG):"
    assert said["Nobody said."] is None  # the interviewer's question ended the turn
    plain = "The board meets monthly. It has twelve members."
    assert turns(plain, _sentences(plain)) == [None, None]


def test_a_quote_from_mid_turn_is_not_left_to_the_speaker_before_it() -> None:
    sentences = _sentences(PASSAGE)
    chunk = Chunk(
        "c0",
        "coalface",
        "c.txt",
        "Change at the coalface",
        "",
        "2012",
        "Accountable officer",
        None,
        0,
        len(PASSAGE),
        PASSAGE,
    )
    wanted = {
        "We have appointed a new borough director.",
        "My concern about a GP taking on the role is the time it takes.",
    }
    sims = np.array([0.9 if any(w in s for w in wanted) else 0.1 for s in sentences])
    cand = Candidate(chunk, score=0.8, sentence=0.9, sentence_sims=sims)
    text = compose(
        "Why did the chair not want a GP accountable officer?",
        [cand],
        {"c0": (sentences, np.zeros((len(sentences), 4), dtype=np.float32))},
    ).text
    assert f"{BT} My concern about a GP" in text
    assert "TB (Dr Tony Brzezicki. chair Croydon CCG): We have appointed" in text
    assert text.count(BT) == 1  # named once, where the turn is first quoted


def test_a_question_naming_a_speaker_finds_the_sentences_of_their_turn() -> None:
    text = (
        "BT (Dr Bill Tamkin, shadow chair South Manchester CCG): Authorisation is our focus. "
        "Our next big issue is the acute contracts.\n\n"
        "DS (David Slack, managing director, Somerset CCG): We are on track. "
        "Our next big issue is community services."
    )
    # The two "next big issue" sentences read alike; only Somerset's turn names Somerset.
    cands, index = _interview(text, "Next issue", [0.3, 0.7, 0.3, 0.7])
    text_out = compose("What did Somerset CCG see as its next big issue?", cands, index, max_sentences=1).text
    assert text_out.startswith("DS (David Slack, managing director, Somerset CCG): Our next big issue is community")


def _panel() -> tuple[list[Candidate], dict[str, tuple[list[str], np.ndarray]]]:
    text = (
        "BT (Dr Bill Tamkin, shadow chair South Manchester CCG): The big issue for us is authorisation. "
        "We are nearly there.\n\n"
        "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Dementia. We have a plan for it.\n\n"
        "DS (David Slack, managing director, Somerset CCG): Community services. They need redesign."
    )
    # Somerset's opening reads most like the ask, and the interviewer's question (the heading) is
    # the ask's.
    cands, index = _interview(text, "Next big issue?", [0.3, 0.2, 0.3, 0.1, 0.95, 0.2])
    cands[0].heading = 0.6
    return cands, index


def test_an_ask_about_what_the_panel_said_gets_each_speakers_answer() -> None:
    cands, index = _panel()
    text = compose("What did the CCG leads say was the next big issue?", cands, index).text
    # Every speaker's opening, the best-matching first, the rest in the source's order; a one-word
    # opening brings the sentence after it, quoted as one with it (one marker).
    assert text.startswith("DS (David Slack, managing director, Somerset CCG): Community services. They need")
    assert "They need redesign." in text
    assert text.index("BT (Dr Bill Tamkin") < text.index("SF (Dr Stewart Findlay")
    assert "Dementia. We have a plan for it. [1]" in text
    assert "We are nearly there." not in text
    assert text.count("DS (David Slack") == 1


def test_the_panel_answers_only_an_ask_its_question_matches() -> None:
    """ "Do CCGs have to involve patients and the public before they change services?" got every
    lead's answer to "will you commission more under any qualified provider?", "SF (...): No."
    among them: it names CCGs, and that section ranked first."""
    cands, index = _panel()
    cands[0].heading = 0.1
    text = compose("Do CCGs have to plan for the next big issue with patients?", cands, index).text
    assert "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Dementia." not in text, text


def test_a_bare_reply_to_another_question_is_not_quoted() -> None:
    """ "SF (...): No." answered "will you commission more under any qualified provider?": quoted
    for another ask it reads as that ask's answer."""
    cands, index = _interview(AQP, "Will you use any qualified provider?", [0.3, 0.2, 0.2, 0.6, 0.65])
    answer = compose("do ccgs have to consult patients before changing services?", cands, index).text
    assert "Durham Dales CCG): No." not in answer, answer


def test_an_ask_naming_one_speaker_is_not_a_panel_ask() -> None:
    cands, index = _panel()
    sentences = index["c0"][0]
    leads = [(s.section, sentences) for s in (c.chunk for c in cands)]
    assert panel_answer("What did the leads say about Somerset?", leads) is None
    assert panel_answer("What is the next big issue?", leads) is None  # not about the panel
    assert panel_answer("What did the CCG leads say?", leads) == [(0, 0), (0, 2), (0, 3), (0, 4), (0, 5)]


def test_a_speaker_is_named_by_their_name_or_their_place_not_by_a_compass_word() -> None:
    labels = [BT, "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG):", "TB (Dr Tony Brzezicki. chair Croydon CCG):"]
    assert named_speakers("ophth cons in croydon - which service went to AQP?", labels) == {labels[2]}
    assert named_speakers("what did Dr Findlay say?", labels) == {labels[1]}
    assert named_speakers("why didn't manchester go for the first wave", labels) == {BT}
    # "south", "Dr" and "chair" are in several labels and single no one out.
    assert named_speakers("what did the chair in south London say, Dr?", labels) == set()


def test_an_ask_naming_a_place_is_answered_from_that_speakers_turn_not_the_others() -> None:
    text = (
        "BT (Dr Bill Tamkin, shadow chair South Manchester CCG): Third wave for authorisation. "
        "We opted for second wave.\n\n"
        "DS (David Slack, managing director, Somerset CCG): First wave as we have made good progress.\n\n"
        "GP (Dr Gina Palumbo, chair, East Riding of Yorkshire CCG): We chose to apply for first-wave authorisation."
    )
    # The other leads' answers read more like the ask; the ask's situation names Somerset.
    cands, index = _interview(text, "Which authorisation wave?", [0.55, 0.4, 0.45, 0.6])
    answer = compose("Two questions about Somerset CCG: which authorisation wave did it go for", cands, index).text
    assert answer.startswith("DS (David Slack, managing director, Somerset CCG): First wave"), answer


def test_the_next_speakers_reply_does_not_continue_the_best_sentence() -> None:
    text = (
        "BT (Dr Bill Tamkin, shadow chair South Manchester CCG): Third wave for authorisation, as the board "
        "had no capacity for second wave.\n\n"
        "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Second wave.\n\n"
        "DS (David Slack, managing director, Somerset CCG): First wave as we have made good progress."
    )
    # Only BT's sentence is close to the ask. The sentence after it is SF's reply to the
    # interviewer, which quoted next would read as South Manchester's second answer.
    cands, index = _interview(text, "Which authorisation wave?", [0.7, 0.2, 0.2])
    answer = compose("which authorisation wave was south manchester going for?", cands, index).text
    assert answer.startswith("BT (Dr Bill Tamkin, shadow chair South Manchester CCG): Third wave"), answer
    assert "Second wave." not in answer, answer


AQP = (
    "JR (John Rooke, chief operating officer, Bedfordshire CCG): We're looking at this on a case-by-case basis.\n\n"
    "TB (Dr Tony Brzezicki. chair Croydon CCG): Definitely. We've already done one for cataract surgery "
    "and are now considering urology too.\n\n"
    "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): No.\n\n"
    "DS (David Slack, managing director, Somerset CCG): No decision has been made yet."
)


def test_a_yes_or_no_is_answered_with_the_turns_own_reply_first() -> None:
    # The cataract sentence matches the ask best; "Definitely." opens its turn and answers it.
    cands, index = _interview(AQP, "Will you use any qualified provider?", [0.3, 0.2, 0.7, 0.1, 0.2])
    answer = compose("has croydon ccg used any qualified provider?", cands, index).text
    assert answer.startswith(
        "TB (Dr Tony Brzezicki. chair Croydon CCG): Definitely. We've already done one for cataract surgery"
    ), answer
    # The reply and the sentence after it in its turn are one quote: one marker.
    assert "Definitely. [1]" not in answer and "urology too. [1]" in answer


def test_a_whole_turn_of_one_word_keeps_its_own_marker() -> None:
    # The interviewer asked about any qualified provider, as this ask does: a bare reply answers it.
    cands, index = _interview(AQP, "Will you use any qualified provider?", [0.3, 0.2, 0.2, 0.6, 0.65], heading=0.6)
    answer = compose("what did durham dales and somerset say about any qualified provider?", cands, index).text
    assert "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): No. [1]" in answer, answer


def test_an_ask_naming_one_lead_quotes_none_of_the_others_answers() -> None:
    text = (
        "BT (Dr Bill Tamkin, shadow chair South Manchester CCG): The big issue for us at the moment is "
        "authorisation. The big issue currently is around capacity.\n\n"
        "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Dementia."
    )
    # South Manchester's sentences repeat the ask's words; Durham Dales's answer is one word. They
    # were quoted first, and "Dementia." last, as if it were one issue among several.
    cands, index = _interview(text, "What's your next big issue?", [0.8, 0.7, 0.3], heading=0.8)
    answer = compose("durham dales ccg - whats their next big issue", cands, index).text
    assert answer == "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Dementia. [1]", answer


def test_a_turns_bare_reply_opens_with_the_sentence_after_it_whatever_is_asked() -> None:
    # Not a yes or no: the cataract sentence leads, and "Definitely." is still said before it.
    cands, index = _interview(AQP, "Will you use any qualified provider?", [0.3, 0.2, 0.5, 0.7, 0.1, 0.2])
    answer = compose("croydon aqp", cands, index).text
    assert answer.startswith(
        "TB (Dr Tony Brzezicki. chair Croydon CCG): Definitely. We've already done one for cataract surgery"
    ), answer


AO = (
    f"{BT} It will be a management member. My concern about a GP taking on the role of accountable officer "
    "is the time it takes. If I had the accountable officer role that would be difficult.\n\n"
    "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Me. A GP!\n\n"
    "DS (David Slack, managing director, Somerset CCG): It is planned to be a senior manager."
)


def test_an_ask_for_which_lead_said_something_reads_each_leads_reply() -> None:
    cands, index = _interview(AO, "Who is your accountable officer?", [0.3, 0.8, 0.7, 0.1, 0.2, 0.3], heading=0.6)
    answer = compose("Which CCG lead said their accountable officer would be a GP?", cands, index).text
    # Findlay's two-word reply matches nothing of the ask; read beside the others it answers it.
    assert "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Me. A GP!" in answer, answer
    assert f"{BT} It will be a management member." in answer, answer
    assert "It is planned to be a senior manager." in answer, answer


def test_a_named_speakers_reply_comes_with_their_reasons_and_a_why_gets_the_reasons() -> None:
    sims = [0.3, 0.8, 0.7, 0.1, 0.2, 0.3]
    cands, index = _interview(AO, "Who is your accountable officer?", sims)
    said = compose("What did Bill Tamkin say about the accountable officer?", cands, index, max_sentences=2).text
    # Two sentences: the reply the interviewer asked for, and the reason that matched best.
    assert "It will be a management member." in said, said
    assert "My concern about a GP" in said, said
    cands, index = _interview(AO, "Who is your accountable officer?", sims)
    why = compose("Why did Bill Tamkin not want a GP as accountable officer?", cands, index, max_sentences=2).text
    assert "It will be a management member." not in why, why
    assert "If I had the accountable officer role" in why, why
    # "who should it be, and why?" asks for the reply as well as the reasons.
    cands, index = _interview(AO, "Who is your accountable officer?", sims)
    both = compose("What did Bill Tamkin say about who should be accountable officer, and why?", cands, index, 2).text
    assert "It will be a management member." in both, both


def test_a_named_speakers_bare_reply_opens_the_sentence_quoted_from_their_turn() -> None:
    text = (
        "JR (John Rooke, chief operating officer, Bedfordshire CCG): Yes. We believe it's our duty to improve "
        "quality in primary care.\n\n"
        "TB (Dr Tony Brzezicki. chair Croydon CCG): It's not our job to manage the poorly performing doctor."
    )
    cands, index = _interview(text, "Will you performance manage primary care?", [0.1, 0.8, 0.6])
    answer = compose("what did John Rooke say about performance managing practices?", cands, index).text
    assert answer.startswith(
        "JR (John Rooke, chief operating officer, Bedfordshire CCG): Yes. We believe it's our duty"
    ), answer


def test_a_reply_pointing_back_at_another_question_is_not_quoted() -> None:
    text = (
        "GP (Dr Gina Palumbo, chair, East Riding of Yorkshire CCG): This is definitely a risk and the CCG must "
        "ensure robust and transparent commissioning to minimise the risk.\n\n"
        "JR (John Rooke, chief operating officer, Bedfordshire CCG): We work with the competition panel."
    )
    # "This" is the interviewer's question, the heading: being challenged by providers.
    cands, index = _interview(text, "Are you worried about being challenged by providers?", [0.7, 0.5])
    answer = compose("what does a ccg need for robust commissioning to be authorised?", cands, index).text
    assert "This is definitely a risk" not in answer, answer
    # Asked that question, the reply answers it.
    cands, index = _interview(text, "Are you worried about being challenged by providers?", [0.7, 0.5])
    cands[0].heading = 0.9
    answer = compose("are you worried about being challenged by providers?", cands, index).text
    assert "This is definitely a risk" in answer, answer


def test_a_bare_reply_brings_the_short_sentence_that_ends_its_turn() -> None:
    """ "SF (...): Me." was quoted without the "A GP!" that ends the turn and answers the ask."""
    sims = [0.2, 0.2, 0.1, 0.1, 0.7, 0.1, 0.3, 0.0, 0.0]
    cands, index = _interview(PASSAGE, "Who is going to be your accountable officer? A GP or a manager?", sims, 0.6)
    answer = compose("is the accountable officer at durham dales a gp or a manager?", cands, index).text
    assert "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Me. A GP! [1]" in answer, answer


def test_an_ask_naming_the_whole_panel_gets_every_answer_below_the_interviews_introduction() -> None:
    """ "In the interviews with six CCG leads, who did each of them say would be their accountable
    officer?" got three of six: its heading matched at 0.25, and the interview's introduction,
    which names "six CCG leads" too, ranked first. "Did any of the CCG leads explain why ...?"
    wants the one who did, not the panel."""
    cands, index = _panel()
    intro = ("We asked six CCG leads how they were progressing.", ["We asked six CCG leads how they were progressing."])
    leads = [intro] + [(c.chunk.section, index[c.chunk.chunk_id][0]) for c in cands]
    picked = panel_answer("who did each of them say was the next big issue?", leads)
    assert picked is not None and {pi for pi, _si in picked} == {1}
    assert panel_answer("what did the six CCG leads say?", leads) is not None
    assert panel_answer("did any of the CCG leads say dementia?", leads) is None
    # Without the introduction the panel is answered as before.
    assert panel_answer("What did the CCG leads say?", leads[1:]) == [(0, 0), (0, 2), (0, 3), (0, 4), (0, 5)]
