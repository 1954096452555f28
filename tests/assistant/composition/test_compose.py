"""The extractive composer on hand-built candidates, where each signal is known exactly."""

from __future__ import annotations

from dataclasses import replace

from assistant.composition.compose import compose
from assistant.retrieval.retrieve import Candidate
from assistant.retrieval.sentences import split_sentences

from .built import candidates as _cands


def _answer(question: str, text: str, sims: list[float]) -> str:
    """The answer composed from `text` as the one retrieved passage, its sentences scored `sims`."""
    cands, sentences = _cands([(text, 0.9, sims)])
    return compose(question, cands, sentences).text


def _cited(text: str, n: int) -> bool:
    return f"[{n}]" in text


def test_the_top_ranked_passage_is_always_drawn_on() -> None:
    cands, sentences = _cands(
        [
            ("Conflict of interest, timescales, financial pressures and complexity.", 0.80, [0.45]),
            ("The BMA firmly believes commissioning needs collaboration. Boards need doctors.", 0.74, [0.72, 0.65]),
        ]
    )
    result = compose("What are the BMA's concerns about commissioning?", cands, sentences)
    assert "Conflict of interest, timescales" in result.text
    assert {c.text for c in result.citations} == {cands[0].chunk.text, cands[1].chunk.text}


def test_a_numeric_question_reaches_for_a_close_passage_with_the_number() -> None:
    passages = [
        ("Kent has taken an innovative approach to clinical commissioning.", 0.90, [0.62]),
        ("Clinicians and managers work together as teams in Kent.", 0.85, [0.60]),
        ("Respiratory services were an early success of the new way of working.", 0.84, [0.50]),
        ("Over the past six months, 11 GPs have been appointed as clinical commissioners.", 0.82, [0.73]),
    ]
    cands, sentences = _cands(passages)
    question = "How many GPs did Kent appoint as clinical commissioners?"
    assert "11 GPs have been appointed" in compose(question, cands, sentences).text

    far = [*passages[:3], (passages[3][0], 0.50, [0.30])]
    cands, sentences = _cands(far)
    assert "11 GPs" not in compose(question, cands, sentences).text  # too weak a passage to trust


def test_a_figure_reached_for_comes_with_its_neighbour_giving_the_same_kind_of_figure() -> None:
    # The top passage holds no figure; the one reached for holds two, side by side. The second
    # alone ("half a day a week") answered "how much time?" for one GP per practice and left out
    # the leads' days.
    passages = [
        ("How much time GPs give will depend on the functions and size of the consortium.", 0.90, [0.70]),
        ("Acquiring some commissioning knowledge will be necessary for GPs.", 0.84, [0.55]),
        ("Backfilling could be a problem in some parts of the country.", 0.83, [0.50]),
        (
            "There will be 3 to 4 GP leaders who spend 2-3 days per week on commissioning work. "
            "One GP in each practice is likely to spend half a day a week on commissioning work. "
            "Most GPs are unlikely to have a significant time commitment.",
            0.81,
            [0.50, 0.62, 0.40],
        ),
    ]
    cands, sentences = _cands(passages)
    text = compose("How much time will GPs spend on commissioning work?", cands, sentences).text
    assert "half a day a week" in text and "2-3 days per week" in text, text

    # A neighbour with no figure stays out.
    plain = [
        *passages[:3],
        (
            passages[3][0].replace("3 to 4 GP leaders who spend 2-3 days", "GP leaders who spend days"),
            0.81,
            [0.50, 0.62, 0.40],
        ),
    ]
    cands, sentences = _cands(plain)
    text = compose("How much time will GPs spend on commissioning work?", cands, sentences).text
    assert "half a day a week" in text and "GP leaders who spend days" not in text, text


def test_a_list_item_the_source_repeats_is_printed_once() -> None:
    text = (
        "Consultants can help with referral management. For example by helping with:\n"
        "• clinical referral guidelines\n• specialist telephone advice\n• clinical referral guidelines\n"
        "• advice in urgent care centres"
    )
    parts = [text[s:e] for s, e in split_sentences(text)]
    result = _answer("How can consultants help with referral management?", text, [0.7, 0.6] + [0.5] * (len(parts) - 2))
    assert result.count("clinical referral guidelines") == 1, result
    assert "specialist telephone advice" in result and "urgent care centres" in result


def test_a_question_in_the_source_is_not_taken_for_an_answer() -> None:
    text = (
        "Why should patients not shape NHS commissioning in every area? "
        "Patients must shape NHS commissioning in every area."
    )
    # Same words, so only the similarity (the question's is higher) and the penalty differ.
    cands, sentences = _cands([(text, 0.9, [0.85, 0.75])])
    result = compose("Why should patients shape NHS commissioning?", cands, sentences, max_sentences=1)
    assert result.text == "Patients must shape NHS commissioning in every area. [1]"


def test_a_byline_does_not_continue_an_answer() -> None:
    text = "Locum GPs know local populations well.\nZana Khan, locum GP and clinical editor\nThey cover many practices."
    cands, sentences = _cands([(text, 0.9, [0.80, 0.60, 0.20])])
    result = compose("Why do locum GPs matter to commissioning?", cands, sentences)
    assert result.text == "Locum GPs know local populations well. [1]"


def test_a_title_line_that_matches_best_does_not_open_the_answer() -> None:
    """A piece's title line ("Social enterprise story") scored above its sentences and was
    quoted as if it were one."""
    text = (
        "Ann Robinson, London GP\nSocial enterprise story\n"
        "In City and Hackney a social enterprise cut referrals. Practices buddy with low referrers."
    )
    cands, sentences = _cands([(text, 0.9, [0.10, 0.90, 0.50, 0.40])])
    result = compose("What did they say about setting up a social enterprise?", cands, sentences)
    assert result.text.startswith("In City and Hackney a social enterprise cut referrals. [1]"), result.text
    assert "Social enterprise story" not in result.text


def test_a_passage_that_states_nothing_does_not_set_the_bar_for_the_others() -> None:
    """A timeline's entry ("NHS Commissioning Board to become full, nondepartmental public body",
    no full stop) matched "tell me about the NHS commissioning board" best; measured from it, the
    passage saying what the board is fell outside the margin and the answer said nothing."""
    cands, sentences = _cands(
        [
            ("NHS Commissioning Board to become full, nondepartmental public body", 0.94, [0.55]),
            ("NHS England is an independent board accountable to the health secretary.", 0.84, [0.75]),
            ("Each council will have a health and wellbeing board.", 0.70, [0.40]),
        ]
    )
    result = compose("tell me about the NHS commissioning board", cands, sentences)
    assert "NHS England is an independent board accountable to the health secretary. [" in result.text, result.text
    assert "health and wellbeing board" not in result.text  # the margin still holds, from the passage that states


def test_a_timelines_short_entry_is_quoted_with_its_date() -> None:
    """ "SHAs to be abolished" under the timeline's "July 2012" matched "when are SHAs abolished?"
    best; four words and no full stop read as a caption, and the answer gave no date."""
    cands, sentences = _cands(
        [
            ("SHAs to be abolished", 0.80, [0.90]),
            ("Primary care trusts and strategic health authorities were abolished.", 0.72, [0.50]),
        ]
    )
    cands[0].chunk = replace(cands[0].chunk, section="TIMELINE AND LINKS › July 2012")
    result = compose("when are SHAs abolished?", cands, sentences)
    assert result.text.startswith("July 2012: SHAs to be abolished [1]"), result.text
    # An undated line of as few words is still a caption.
    cands[0].chunk = replace(cands[0].chunk, section="TIMELINE AND LINKS")
    assert "SHAs to be abolished" not in compose("when are SHAs abolished?", cands, sentences).text


def test_a_byline_between_two_quotes_is_not_filled_in() -> None:
    # Two chosen sentences one apart: the gap between them is filled, unless it is a byline
    # (a training grade's digit does not make it a figure).
    text = (
        "I hope commissioning will be good for patients.\nSarah Jones, paediatrics ST1, West Midlands\n"
        "I worry that commissioning will make care more disjointed."
    )
    cands, sentences = _cands([(text, 0.9, [0.80, 0.30, 0.78])])
    result = compose("What do doctors worry about in commissioning?", cands, sentences)
    assert "Sarah Jones" not in result.text
    assert "I hope commissioning" in result.text and "I worry that" in result.text


def test_the_answer_opens_with_the_sentence_that_answers_the_question_as_asked() -> None:
    # One passage: its context sentence comes first in the source, the number second.
    text = (
        "In Coventry, hospital professionals have given a useful perspective to the trust. "
        "Two consultants employed by the acute trust have increased understanding between the trusts."
    )
    first = _answer("How many consultants supported the Coventry trust?", text, [0.55, 0.5])
    assert first.startswith("Two consultants"), first  # the number, though the other scored higher

    defining = (
        "Health and wellbeing boards were announced in 2010 in a white paper. "
        "A health and wellbeing board is a forum where local leaders plan services together."
    )
    text = _answer("What is a health and wellbeing board?", defining, [0.6, 0.58])
    assert text.startswith("A health and wellbeing board is a forum"), text

    # The best sentence leans on the one before it ("They ..."): the source's order stays.
    leaning = "Clinical senates advise CCGs across England. They include patients and social care staff."
    text = _answer("Who sits on the clinical senates and patients?", leaning, [0.4, 0.7])
    assert text.startswith("Clinical senates advise"), text

    # ... unless it gives the kind of answer asked for: the date, the rule. A connective still
    # keeps the source's order, and "It is very unlikely that" leans on nothing.
    dated = "NHS England is an independent board. It took on its full responsibilities on 1 April 2013."
    text = _answer("When did NHS England take on its full responsibilities?", dated, [0.6, 0.55])
    assert text.startswith("It took on its full responsibilities on 1 April 2013. [1]"), text
    qualified = (
        "The board sets the budget and plans services with the council every year. "
        "However, it must consult the council before 2014."
    )
    text = _answer("When must the board consult the council?", qualified, [0.65, 0.7])
    assert text.startswith("The board sets the budget"), text
    contrasting = (
        "A practice may join any consortium it chooses. Yet nobody has said why practices must join one at all."
    )
    text = _answer("Tell me about practices and consortiums", contrasting, [0.6, 0.7])
    assert text.startswith("A practice may join"), text
    dummy = "Consortiums manage their own members. It is very unlikely that a GP will be asked to leave."
    text = _answer("Could a GP be thrown out of a consortium?", dummy, [0.4, 0.7])
    assert text.startswith("It is very unlikely that a GP"), text


def test_a_list_question_opens_with_the_list_and_a_lead_is_followed_by_what_continues_it() -> None:
    text = (
        "Hospital doctors should be involved in referral management. There are many ways to do this. "
        "For example by helping with:\n• clinical referral guidelines\n• specialist telephone advice\n"
        "• rapid access clinics"
    )
    parts = [text[s:e] for s, e in split_sentences(text)]
    sims = [0.7, 0.4, 0.5] + [0.45] * (len(parts) - 3)
    cands, sentences = _cands([(text, 0.9, sims)])
    answer = compose("In what ways can hospital doctors help with referral management?", cands, sentences).text
    assert answer.startswith("For example by helping with:\n- clinical referral guidelines"), answer
    assert answer.index("rapid access clinics") < answer.index("Hospital doctors should be involved")

    prose = (
        "The board was set up to manage urgent care. GPs there had talked with the trust for years. "
        "The board has equal numbers of GPs and consultants. Managers and nurses sit on it too."
    )
    cands, sentences = _cands([(prose, 0.9, [0.5, 0.45, 0.9, 0.6])])
    answer = compose("Who sits on the urgent care board?", cands, sentences).text
    # The lead first and what continues it; the passage's earlier sentences after, in order.
    assert answer.startswith("The board has equal numbers of GPs and consultants. [1] Managers and nurses"), answer
    assert answer.index("was set up") < answer.index("had talked")


def test_a_can_i_or_must_i_question_opens_with_the_rule() -> None:
    text = (
        "Commissioning support covers payroll, IT and data for commissioning decisions. "
        "CCGs may also choose to host their own support services in-house."
    )
    cands, sentences = _cands([(text, 0.9, [0.7, 0.6])])
    answer = compose("Can our CCG keep its support functions in-house?", cands, sentences).text
    assert answer.startswith("CCGs may also choose to host their own"), answer

    text = (
        "Health and wellbeing boards take part in authorising CCGs. "
        "CCG representatives should absent themselves from discussions of their own CCG's readiness."
    )
    cands, sentences = _cands([(text, 0.9, [0.7, 0.62])])
    answer = compose("Do I have to step out when the board discusses our CCG?", cands, sentences).text
    assert answer.startswith("CCG representatives should absent themselves"), answer


def test_the_kind_of_answer_comes_from_the_asking_sentence() -> None:
    # A situation first, and "when" inside a yes/no question: not a question about a date.
    text = (
        "One person could represent two CCGs on the board. "
        "CCG representatives should absent themselves from discussions of their own CCG's readiness."
    )
    cands, sentences = _cands([(text, 0.9, [0.7, 0.62])])
    question = "I sit on the wellbeing board for our CCG. Do I have to step out when they discuss our CCG?"
    answer = compose(question, cands, sentences).text
    assert answer.startswith("CCG representatives should absent themselves"), answer


def test_a_partial_answer_draws_on_each_close_passage_however_far_below_the_best() -> None:
    """margin=None (a partial answer): the third passage, well below the best, still offers its
    sentence; with the usual margin it is left out."""
    cands, sentences = _cands(
        [
            ("Training posts are under pressure in many deaneries this year.", 0.70, [0.50]),
            ("Commissioning groups will plan local services for their populations.", 0.62, [0.40]),
            ("Some trainees worry that commissioning may affect their training and careers.", 0.55, [0.58]),
        ]
    )
    question = "will commissioning affect my training?"
    assert "affect their training" not in compose(question, cands, sentences).text
    broad = compose(question, cands, sentences, margin=None)
    assert "affect their training" in broad.text and "Training posts are under pressure" in broad.text


def test_how_long_is_answered_with_a_length_of_time_not_any_number() -> None:
    text = (
        "Clinical networks are condition specific. Four networks have been confirmed for 2013:\n"
        "1. Cancer;\n2. Maternity and children.\n"
        "Networks will be established for up to five years in the first instance."
    )
    cands, sentences = _cands([(text, 0.9, [0.7, 0.8, 0.1, 0.2, 0.5])])
    result = compose("How long are the clinical networks set up for?", cands, sentences)
    assert result.text.startswith("Networks will be established for up to five years")
    assert "- Cancer" in result.text  # the list the question also drew stays


def test_a_list_whose_items_run_to_two_sentences_comes_whole_each_item_on_its_line() -> None:
    text = (
        "In 2004 the scheme was introduced, but the government made adjustments:\n"
        "• GPs were not allowed to hold real budgets. Responsibility stayed with the trusts.\n"
        "• All profits were to be reinvested in patient care. However, budgets could fund practices.\n"
        "• The scheme remained voluntary."
    )
    parts = [text[s:e] for s, e in split_sentences(text)]
    assert len(parts) == 6, parts
    cands, sentences = _cands([(text, 0.9, [0.8, 0.3, 0.3, 0.3, 0.3, 0.3])])
    answer = compose("What adjustments did the government make to the scheme?", cands, sentences).text
    lines = answer.splitlines()
    assert "- GPs were not allowed to hold real budgets. Responsibility stayed with the trusts" in lines, answer
    assert "- All profits were to be reinvested in patient care. However, budgets could fund practices" in lines
    assert lines[-1] == "- The scheme remained voluntary [1]", answer


def test_an_answer_does_not_end_on_a_lead_in_whose_list_is_elsewhere() -> None:
    # The strategies are subsections of their own: this passage ends on the colon.
    text = (
        "Referrals fell by 4% and outpatient spending by £2.1 million. "
        "These savings were achieved using the following strategies:"
    )
    cands, sentences = _cands([(text, 0.9, [0.6, 0.7])])
    answer = compose("How did they save money on outpatients?", cands, sentences).text
    assert answer == "Referrals fell by 4% and outpatient spending by £2.1 million. [1]", answer
    alone, sentences = _cands([("These savings were achieved using the following strategies:", 0.9, [0.7])])
    # Nothing else to say: the lead-in stays rather than an empty answer.
    assert "following strategies" in compose("How did they save money?", alone, sentences).text


def test_a_comparison_quotes_what_each_thing_compared_is() -> None:
    text = (
        "Public involvement is the collective involvement of the community. "
        "Patient engagement is the individual interaction between professional and patient. "
        "Patient experience is about structured feedback on the service. "
        "Panels take time to establish and need careful support from the consortium."
    )
    # The panels sentence reads more like the ask than two of the three things it compares.
    cands, sentences = _cands([(text, 0.9, [0.5, 0.6, 0.5, 0.7])])
    answer = compose(
        "how are public involvement, patient engagement and patient experience different?",
        cands,
        sentences,
        max_sentences=3,
        min_words=0,
    ).text
    assert "collective involvement" in answer and "structured feedback" in answer, answer
    assert "Panels take time" not in answer, answer


def test_each_thing_compared_gets_its_definition_below_the_floor() -> None:
    """A sentence naming all three things (and defining none) scores far above their
    definitions and sets the floor over them: each definition still comes, one per thing."""
    text = (
        "Decide what to address in public involvement, patient engagement and patient experience. "
        "Public involvement is the collective involvement of the community. "
        "Patient engagement is the individual interaction between professional and patient. "
        "Patient experience is about structured feedback on the service. "
        "Patient experience is also gathered through surveys."
    )
    cands, sentences = _cands([(text, 0.9, [0.9, 0.45, 0.6, 0.45, 0.44])])
    answer = compose(
        "what's the difference between public involvement, patient engagement and patient experience?",
        cands,
        sentences,
    ).text
    for definition in ("collective involvement", "individual interaction", "structured feedback"):
        assert definition in answer, answer
    # One definition for each: a second sentence about the same thing is not brought in.
    assert "surveys" not in answer, answer


def test_sentences_an_earlier_part_printed_take_none_of_a_later_parts_room() -> None:
    """A later ask's best sentences were quoted for the ask before it: they are pointed to, not
    printed, so the sentences it has room for are new ones (the directors of public health's job
    for CCGs came fourth after three sentences printed above, and was cut)."""
    text = (
        "Directors of public health will move into local government. "
        "They will lead on improving the health of local communities. "
        "Public health funding will be ring-fenced for them. "
        "They will support clinical groups by helping to identify, prevent and manage conditions."
    )
    cands, sentences = _cands([(text, 0.9, [0.70, 0.68, 0.66, 0.64])])
    shown = frozenset(sentences["c0"][0][:3])
    later = compose("and what is their job?", cands, sentences, max_sentences=2, min_words=0, shown=shown)
    # Before, the two sentences it had room for were both printed above: nothing new to say.
    assert "support clinical groups" in later.text
    assert "move into local government" not in later.text and later.above == (1,)


def test_a_later_part_whose_answer_an_earlier_part_printed_quotes_it_again() -> None:
    """ "How many CCGs are there and how much of the budget do they control?": one sentence
    answers both. The second part had opened "Besides the passages quoted above ([1]), the
    guidance says:" and a sentence that does not answer it."""
    text = (
        "England's 211 clinical commissioning groups will be responsible for £65bn of the £95bn commissioning budget. "
        "They will plan and commission hospital care and community services."
    )
    cands, sentences = _cands([(text, 0.9, [0.8, 0.6])])
    shown = frozenset(sentences["c0"][0][:1])
    budget = compose("how much of the budget do they control?", cands, sentences, min_words=0, shown=shown)
    assert budget.text.startswith("England's 211") and budget.above == ()
    # An opening that holds none of the later ask's words is pointed to, not quoted again.
    other = compose("what share did they send elsewhere?", cands, sentences, min_words=0, shown=shown)
    assert "England's 211" not in other.text and other.above == (1,)


def test_one_item_quoted_for_a_single_ask_keeps_the_line_introducing_its_list() -> None:
    text = (
        "Commissioning by GPs has risks.\n"
        "At worst:\n"
        "• Paucity of commissioning skills.\n"
        "• Conflicts of interest.\n"
        "• Fragmented services."
    )
    # Only the second item matches; the question wants one thing, not the list.
    result = _answer("Could GPs lack the skills to commission?", text, [0.2, 0.1, 0.9, 0.1, 0.1])
    assert "At worst:\n- Paucity of commissioning skills [1]" in result
    assert "Conflicts of interest" not in result and "Fragmented" not in result


def test_several_items_chosen_bring_their_whole_list() -> None:
    text = (
        "Ingredients for success:\n• Select clinicians who already network\n• Set clear objectives\n"
        "• Appoint clinicians with a special interest\n• Be a team player\n• Build robust PCT support\n"
        "• Recognise the need for PCT management"
    )
    # Three items match the ask well; the other three would not be chosen. Six of ten tips
    # under their lead-in read as the whole list, so the list comes whole.
    result = _answer("Give me the tips for making commissioning succeed", text, [0.3, 0.8, 0.1, 0.8, 0.1, 0.8, 0.1])
    for item in ("Select clinicians", "Set clear objectives", "Be a team player", "Recognise the need"):
        assert item in result, result
    assert result.startswith("Ingredients for success:\n- Select clinicians who already network")


def test_a_passage_continuing_a_section_drawn_on_is_drawn_on_too() -> None:
    """A section cut in two by its length is one unit of meaning: its second passage is drawn on
    with the first, though it scores further below the best than an unrelated passage may."""
    first = "Public involvement and patient engagement matter. Consortiums should plan for both."
    second = "Patient engagement is the individual interaction between professional and patient."
    other = "Health and wellbeing boards oversee local commissioning plans."

    def cands_for(second_section: str, second_position: int) -> tuple[list[Candidate], dict]:  # type: ignore[type-arg]
        cands, sentences = _cands([(first, 0.80, [0.50, 0.40]), (second, 0.70, [0.70]), (other, 0.69, [0.20])])
        cands[0].chunk = replace(cands[0].chunk, section="Engagement", position=4)
        cands[1].chunk = replace(cands[1].chunk, section=second_section, position=second_position)
        return cands, sentences

    question = "How is patient engagement different from public involvement?"
    cands, sentences = cands_for("Engagement", 5)
    assert "individual interaction" in compose(question, cands, sentences).text
    # The same passage under another section, or not next to the first, is 0.10 below the best:
    # too far to draw on.
    for section, position in (("Patient experience", 5), ("Engagement", 7)):
        cands, sentences = cands_for(section, position)
        assert "individual interaction" not in compose(question, cands, sentences).text


def test_a_poll_figure_is_not_quoted_without_its_own_poll_question() -> None:
    polls = (
        "BMJ poll: Will GP commissioning improve patient care?\n\nNo: 269 (74%)\n\nYes: 96 (26%)\n\n"
        "doc2doc poll: Are GPs the right people to control the budget?\n\nNo: 97 (62%)\n\nYes: 60 (38%)"
    )
    # The second poll's figures score well (they answer a question close to this one), but its
    # question does not make the answer: quoted alone they would read as the first poll's.
    cands, sentences = _cands([(polls, 0.9, [0.8, 0.6, 0.6, 0.8, 0.6, 0.6])])
    question = "What share said GP commissioning would not improve patient care in the BMJ poll?"
    text = compose(question, cands, sentences).text
    assert "No: 269 (74%)" in text
    assert "No: 97 (62%)" not in text and "Yes: 60 (38%)" not in text, text


def test_a_lead_in_stays_when_an_item_past_the_first_is_quoted() -> None:
    """Its first item not chosen, the line introducing the list was dropped, and the items read
    as more of whatever came before them (another passage's list, or prose)."""
    text = (
        "Commissioning by GPs has risks.\n"
        "At worst there could be:\n"
        "• Fragmented services.\n"
        "• Conflicts of interest.\n"
        "• Paucity of commissioning skills."
    )
    result = _answer("Could GPs lack the skills to commission?", text, [0.2, 0.6, 0.1, 0.1, 0.9])
    assert "At worst there could be:\n" in result, result
    assert "- Paucity of commissioning skills [1]" in result, result
    lines = result.splitlines()
    assert lines.index("At worst there could be:") < lines.index("- Paucity of commissioning skills [1]")


def test_a_list_that_opens_its_passage_is_introduced_by_its_heading_after_other_text() -> None:
    """A passage that is only a list has no sentence to introduce it: quoted after another
    passage's prose, its items would read as more of that prose."""
    heading = "In summary › Drawbacks of commissioning"
    prose = ("A poll asked doctors whether GP commissioning would improve patient care. Most said no.", 0.9, [0.8, 0.5])
    items = (
        "• GP commissioning risks privatisation.\n• GP commissioning adds bureaucracy.\n"
        "• GP commissioning erodes public trust.",
        0.88,
        [0.7, 0.7, 0.7],
    )
    cands, sentences = _cands([prose, items])
    cands[1] = replace(cands[1], chunk=replace(cands[1].chunk, section=heading))
    answer = compose("What are the risks of GP commissioning?", cands, sentences).text
    lines = answer.splitlines()
    assert lines[0].startswith("A poll asked doctors"), answer
    assert lines[1:3] == ["Drawbacks of commissioning:", "- GP commissioning risks privatisation"], answer

    # The same list opening the answer keeps its heading too: it says what the items are, in the
    # source's words, which the question may not share.
    alone, sentences = _cands([items])
    alone[0] = replace(alone[0], chunk=replace(alone[0].chunk, section=heading))
    answer = compose("What are the risks of GP commissioning?", alone, sentences).text
    assert answer.splitlines()[:2] == ["Drawbacks of commissioning:", "- GP commissioning risks privatisation"], answer


def test_a_how_many_answer_opens_with_the_list_item_that_counts_what_is_asked() -> None:
    """ "Seventeen clinical pathways were developed ..." is an item of a list; the only prose with
    a number counts something else ("two specialty doctors"). The answer opens with the item,
    under its heading, not with the prose."""
    items = (
        "• We identified high referring specialties.\n"
        "• Seventeen clinical pathways were developed jointly with secondary care colleagues.\n"
        "• Appropriate work up was done before referrals.",
        0.8,
        [0.3, 0.62, 0.3],
    )
    prose = (
        "You can also support the development of care pathways. "
        "For example, two specialty doctors run a joint imaging service.",
        0.78,
        [0.7, 0.66],
    )
    cands, sentences = _cands([items, prose])
    cands[0] = replace(cands[0], chunk=replace(cands[0].chunk, section="Quick wins › 1. Reducing referrals"))
    answer = compose("How many joint clinical pathways were developed with secondary care?", cands, sentences).text
    lines = answer.splitlines()
    assert lines[:2] == [
        "1. Reducing referrals:",
        "- Seventeen clinical pathways were developed jointly with secondary care colleagues [1]",
    ], answer
    assert "two specialty doctors" in answer  # still quoted, after


def test_an_items_second_sentence_comes_on_its_items_line_and_the_list_opens_the_answer() -> None:
    """Chosen without the sentence it continues, "Responsibility stayed with the trusts" was
    quoted as prose, cut off from the item it completes and the lead-in saying what it is."""
    text = (
        "In 2004 the scheme was introduced, but the government made adjustments:\n"
        "• GPs were not allowed to hold real budgets. Responsibility stayed with the trusts.\n"
        "• All profits were to be reinvested in patient care.\n"
        "• The scheme remained voluntary."
    )
    prose = ("Practices joined the scheme in large numbers over the following years.", 0.85, [0.6])
    cands, sentences = _cands([(text, 0.9, [0.3, 0.3, 0.9, 0.2, 0.2]), prose])
    answer = compose("Who kept responsibility for commissioning under the scheme?", cands, sentences).text
    lines = answer.splitlines()
    assert lines[0] == "In 2004 the scheme was introduced, but the government made adjustments:", answer
    assert lines[1].startswith("- GPs were not allowed to hold real budgets. Responsibility stayed with the trusts")


def test_a_bare_topic_opens_with_what_it_is() -> None:
    text = (
        "Following the demise of fundholding, commissioning passed to primary care groups. "
        "Fundholding is the earliest form of GP commissioning, with real budgets."
    )
    # The first sentence matches the word better; the second says what the thing is.
    answer = _answer("fundholding", text, [0.62, 0.58])
    assert answer.index("Fundholding is the earliest") < answer.index("Following the demise")


def test_a_later_ask_with_a_question_of_its_own_is_answered_as_it_asks() -> None:
    """ "what do they do" after "how many clinical senates are there" carries the earlier ask's
    words for what it is about, not its "how many": read from the words it borrowed, it was
    answered with the count first, as if asked again."""
    text = (
        "Clinical senates bring together experts from health and social care to advise commissioners. "
        "Twelve clinical senates were set up across England."
    )
    cands, sentences = _cands([(text, 0.9, [0.62, 0.6])])
    folded = "what do they do how many clinical senates are there"
    assert compose(folded, cands, sentences).text.startswith("Twelve clinical senates")
    answer = compose(folded, cands, sentences, ask="what do they do").text
    assert answer.startswith("Clinical senates bring together experts"), answer
    # An ellipsis keeps the question it carries on: "and networks?" still asks how many.
    ellipsis = compose(
        "what about networks how many clinical senates are there", cands, sentences, ask="what about networks"
    )
    assert ellipsis.text.startswith("Twelve clinical senates"), ellipsis.text


def test_a_sentence_pointing_back_is_quoted_with_the_sentence_it_points_at() -> None:
    """ "If this is the case, ... this individual" was quoted without the sentence saying what
    the case and the individual are."""
    text = (
        "Health and wellbeing boards are aligned with each upper tier local authority. "
        "Their boundaries follow the council's. "
        "Boards will meet in public at least four times a year. "
        "One person could be elected to represent two or more CCGs in an area. "
        "If this is the case, then it is vital to foster strong relationships between the CCGs and this individual."
    )
    question = "how should ccgs sit on a health and wellbeing board"
    answer = _answer(question, text, [0.8, 0.3, 0.1, 0.1, 0.75])
    assert "If this is the case" in answer, answer
    assert "One person could be elected to represent two or more CCGs in an area. [1] If this is the case" in answer
    assert "meet in public" not in answer  # only the sentence pointed at comes in
    # Without a sentence pointing back, nothing comes in.
    plain = text.replace("If this is the case, then it", "It")
    assert "One person could be elected" not in _answer(question, plain, [0.8, 0.3, 0.1, 0.1, 0.75])


def test_a_this_a_few_words_in_brings_the_sentence_it_points_at() -> None:
    """ "There was some derision that this was a return to fundholding, but ...: GPs were not
    allowed to hold real budgets" was quoted under "What was GP fundholding?" without the
    sentence naming what "this" was (Practice Based Commissioning)."""
    text = (
        "Fundholding gave GPs real budgets. "
        "Primary care trusts came in 1999. "
        "Their boards met in public. "
        "In 2004 Practice Based Commissioning was introduced. "
        "There was some derision that this was a return to fundholding, as GPs held indicative budgets."
    )
    question = "what budgets did gps hold under fundholding"
    answer = _answer(question, text, [0.8, 0.1, 0.1, 0.1, 0.7])
    assert "Practice Based Commissioning was introduced. [1] There was some derision" in answer, answer
    assert "boards met in public" not in answer  # only the sentence pointed at comes in
    # "this" as a determiner ("this scheme") or no "this" at all: nothing comes in.
    for plain in (
        text.replace("that this was a return", "that the scheme was a return"),
        text.replace("There was some derision that this was", "Some said indicative budgets were"),
    ):
        assert "Practice Based Commissioning" not in _answer(question, plain, [0.8, 0.1, 0.1, 0.1, 0.7]), plain


def test_it_after_a_sentence_from_further_on_brings_the_sentence_naming_it() -> None:
    """ "Who authorised them?" opened with "The Government published its mandate to the board
    ..." and went on "It has authorised all 211 CCGs": "it" read as the Government, where the
    source's "it" is NHS England, named in the sentence before."""
    text = (
        "NHS England is an independent board. "
        "NHS England will have a national, regional and local structure. "
        "It has authorised all 211 clinical commissioning groups. "
        "The Government published its mandate to the board on 13 November 2012."
    )
    answer = _answer("who authorised them", text, [0.1, 0.2, 0.8, 0.85])
    assert answer.startswith("The Government published its mandate"), answer
    assert "local structure. [1] It has authorised" in answer, answer


def test_a_sentence_qualifying_a_quoted_one_comes_with_it() -> None:
    """The rule for the board's hospital doctor was quoted without the BMA's objection right after
    it, and "Does the BMA agree with that rule?" read as if it did."""
    rule = (
        "The Government has decided that the statutory position for a secondary care doctor on the "
        "board must be given to a secondary care clinician from outside the area of the group, which "
        "it says will avoid any conflict of interest between the doctor's own trust and the group's "
        "commissioning decisions, and which applies to every board in the country from the start."
    )
    other = (
        "The legislation states there should be at least one secondary care doctor on the board of "
        "each group, and the most appropriate may be an associate specialist or specialty doctor "
        "where their skills and experience are at an equivalent level of seniority to a consultant, "
        "as the guidance for specialty doctors and associate specialists explains at length."
    )
    text = f"{other} {rule} However, the BMA is concerned that this loses local knowledge. Jobs are advertised."
    answer = _answer("does the bma agree with that rule", text, [0.9, 0.85, 0.0, 0.0])
    assert "conflict of interest" in answer and "However, the BMA is concerned" in answer, answer


def test_an_opening_pointing_at_the_statement_before_it_comes_after_that_statement() -> None:
    """ "should health and wellbeing boards be big or small?" was answered "To this end, the BMA
    recommends that health and wellbeing boards should be small ..." and nothing else."""
    text = (
        "Boards will meet in public. "
        "It is important that the boards encourage true partnership between councils and CCGs. "
        "To this end, the BMA recommends that health and wellbeing boards should be small and functional."
    )
    answer = _answer("should health and wellbeing boards be big or small", text, [0.1, 0.2, 0.9])
    assert answer.startswith("It is important that the boards encourage true partnership"), answer
    assert "[1] To this end, the BMA recommends" in answer
    # "This ..." naming what it points at keeps its place as the opening.
    named = text.replace("To this end, the BMA recommends that health", "This partnership means health")
    assert _answer("should health and wellbeing boards be big or small", named, [0.1, 0.2, 0.9]).startswith("This")


def test_a_short_reply_to_the_sources_question_opens_with_that_question() -> None:
    # "Probably." scores as the question it answers and fits a yes/no ask; opened with alone, it
    # said nothing, and its question came sentences later.
    text = (
        "Resources are finite. So is there evidence that clinical commissioning works? Probably. "
        "The trouble is that structures changed too often to evaluate it."
    )
    cands, sentences = _cands([(text, 0.9, [0.3, 0.8, 0.2, 0.5])])
    answer = compose("Is there any evidence that clinical commissioning works?", cands, sentences).text
    assert answer.startswith("So is there evidence that clinical commissioning works? [1] Probably. [1]")


def test_a_lead_in_that_is_the_whole_answer_brings_the_named_lines_after_it() -> None:
    # The lines after the colon name people without stating anything: never chosen alone
    # (bylines), they are the list the lead-in introduces. Quoted as the source has them.
    text = (
        "Our panel of three CCG leads were :\nBT: Dr Bill Tamkin, chair South Manchester CCG\n"
        "SF: Dr Stewart Findlay, chair Durham Dales CCG\nDS: David Slack, director Somerset CCG\n"
        "The panel of CCG leads found authorisation slow."
    )
    cands, sentences = _cands([(text, 0.9, [0.9, 0.2, 0.2, 0.2, 0.1])])
    result = compose("Who were the panel of CCG leads?", cands, sentences)
    assert result.text == (
        "Our panel of three CCG leads were :\n- BT: Dr Bill Tamkin, chair South Manchester CCG\n"
        "- SF: Dr Stewart Findlay, chair Durham Dales CCG\n- DS: David Slack, director Somerset CCG [1]"
    )
    assert all(part in text for part in result.citations[0].quote.split(" … "))
    # Beside a sentence that answers, the lead-in is dropped as before, and no name comes in.
    cands, sentences = _cands([(text, 0.9, [0.9, 0.2, 0.2, 0.2, 0.85])])
    assert compose("Who were the panel of CCG leads?", cands, sentences).text == (
        "The panel of CCG leads found authorisation slow. [1]"
    )


def test_a_links_text_does_not_continue_an_answer_nor_join_it() -> None:
    text = (
        "These boards will also lead on commissioning decisions based on the Joint Strategic Needs Assessment. "
        "Get more information about health and wellbeing boards. "
        "The assessment covers health, social care and public health needs."
    )
    # The link's text follows the best sentence and matches the ask's words well.
    answer = _answer("pm here, what's a jsna and who does it?", text, [0.7, 0.65, 0.6])
    assert "Joint Strategic Needs Assessment" in answer and "social care and public health" in answer
    assert "Get more information" not in answer, answer


def test_a_short_section_whose_heading_states_the_question_is_quoted_whole() -> None:
    """ "what is the single operating model?" got its section's first two sentences and not the
    third, which says what the model is for: its words matched the question less."""
    text = (
        "Underpinning the new arrangements is a single operating model for area teams. "
        "Until now, a number of policies were developed locally by trusts. "
        "This model aims to ensure that contractors are treated consistently across England. "
        "A suite of national policies is being developed for the area teams."
    )
    sims = [0.7, 0.2, 0.3, 0.1]
    cands, sentences = _cands([(text, 0.9, sims)])
    assert "treated consistently" not in compose("what is the single operating model?", cands, sentences).text
    cands[0] = replace(cands[0], heading=0.8)
    answer = compose("what is the single operating model?", cands, sentences).text
    assert "treated consistently" in answer and "suite of national policies" in answer, answer


def test_the_rest_of_an_interview_section_is_the_quoted_speakers_only() -> None:
    """Under an interviewer's question, the other speakers' answers are theirs: the rest of the
    section adds only the quoted speaker's sentences."""
    text = (
        "JR (John Rooke, chief operating officer): We are one of four CCGs with two boards. "
        "Both are led by local councillors and chaired by GPs.\n\n"
        "TB (Dr Tony Brzezicki, chair): Our board has been meeting for well over a year. "
        "It is very well established."
    )
    cands, sentences = _cands([(text, 0.9, [0.7, 0.3, 0.2, 0.1])])
    cands[0] = replace(cands[0], heading=0.8)
    answer = compose("which CCG has two health and wellbeing boards?", cands, sentences).text
    assert "chaired by GPs" in answer, answer
    assert "well over a year" not in answer and "well established" not in answer, answer


def test_two_things_asked_for_listed_under_sibling_headings_come_as_two_lists() -> None:
    """ "list the benefits and drawbacks of commissioning": the drawbacks, the best passage, were
    given and the benefits listed beside them were not."""
    drawbacks = "• Risks of privatisation\n• Greater bureaucracy\n• Less patient choice\n• Erosion of public trust"
    benefits = "• GPs at fore of service redesign\n• Improved efficiency\n• Less bureaucracy"
    other = "• Cancer\n• Cardiovascular disease\n• Mental health"
    cands, sentences = _cands([(drawbacks, 0.9, [0.6, 0.5, 0.5, 0.4]), (benefits, 0.75, [0.4, 0.4, 0.3])])
    cands[0] = replace(cands[0], chunk=replace(cands[0].chunk, section="In summary › Drawbacks of commissioning"))
    cands[1] = replace(cands[1], chunk=replace(cands[1].chunk, section="In summary › Benefits of commissioning"))
    answer = compose("list the benefits and drawbacks of commissioning", cands, sentences).text
    assert "Erosion of public trust" in answer and "Improved efficiency" in answer, answer
    # Asked for one of them, the one list; nor does a list under a heading naming neither come.
    assert "Improved efficiency" not in compose("list the drawbacks of commissioning", cands, sentences).text
    cands2, sentences2 = _cands([(drawbacks, 0.9, [0.6, 0.5, 0.5, 0.4]), (other, 0.75, [0.4, 0.4, 0.3])])
    cands2[0] = replace(cands2[0], chunk=replace(cands2[0].chunk, section="In summary › Drawbacks of commissioning"))
    cands2[1] = replace(cands2[1], chunk=replace(cands2[1].chunk, section="In summary › Clinical networks"))
    assert "Cancer" not in compose("list the benefits and drawbacks of commissioning", cands2, sentences2).text


def test_a_far_better_sentence_just_below_the_drawn_passages_opens_the_answer() -> None:
    """ "What happens if our CCG isn't ready for authorisation?": the sentence that answers it sat
    in the fifth passage, close to the first, and the answer opened on the first's."""
    passages = [
        ("CCG representatives should absent themselves from discussions of readiness.", 0.73, [0.50]),
        ("The transition period will require flexibility as CCGs seek authorisation.", 0.72, [0.48]),
        ("Our big issue at the moment is authorisation and capacity.", 0.70, [0.45]),
        ("CCGs in the first wave were authorised in December.", 0.69, [0.40]),
        ("NHS England will commission services for CCGs not deemed ready for authorisation.", 0.68, [0.80]),
    ]
    cands, sentences = _cands(passages)
    question = "what happens if our CCG isn't ready for authorisation?"
    result = compose(question, cands, sentences)
    assert result.text.startswith("NHS England will commission services for CCGs not deemed ready"), result.text
    # Still drawn on: the first passage.
    assert "absent themselves" in result.text
    # A passage well below the first lends nothing, however well its sentence matches.
    far = [*passages[:4], (passages[4][0], 0.55, [0.80])]
    cands, sentences = _cands(far)
    assert "NHS England" not in compose(question, cands, sentences).text
