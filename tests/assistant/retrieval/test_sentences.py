"""Sentence segmentation: what the composer can quote as one unit."""

from __future__ import annotations

from assistant.retrieval.sentences import quotable, split_sentences


def _split(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_abbreviations_list_numbers_and_lines() -> None:
    assert _split("Ask Dr. Smith, eg. the chair. Then vote.\n• An item\n2. Another one") == [
        "Ask Dr. Smith, eg. the chair.",
        "Then vote.",
        "• An item",
        "2. Another one",
    ]


def test_a_page_or_figure_reference_does_not_end_a_sentence() -> None:
    text = "Money was saved by several initiatives (see p. 12). Fig. 3 shows pp. 4-5 of it. 12 joined."
    assert _split(text) == [
        "Money was saved by several initiatives (see p. 12).",
        "Fig. 3 shows pp. 4-5 of it.",
        "12 joined.",
    ]


def test_a_numbered_run_in_question_keeps_its_answer() -> None:
    text = "Five key questions:\n1. What happens at each surgery? You may find great work. Replicate it.\nWhy? Because."
    assert _split(text) == [
        "Five key questions:",
        "1. What happens at each surgery? You may find great work.",
        "Replicate it.",
        "Why?",
        "Because.",
    ]


def test_a_poll_result_run_into_the_next_poll_is_split_from_it() -> None:
    # A PDF's text layer puts one poll's last result and the next poll's question on one line.
    text = (
        "BMJ poll: Will GP commissioning improve patient care?\n\nNo: 269 (74%)\n\n"
        "Yes: 96 (26%) doc2doc poll: Are GPs the right people to control the budget?\n\nNo: 97 (62%)"
    )
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "BMJ poll: Will GP commissioning improve patient care?",
        "No: 269 (74%)",
        "Yes: 96 (26%)",
        "doc2doc poll: Are GPs the right people to control the budget?",
        "No: 97 (62%)",
    ]
    # A figure in prose stays in its sentence.
    prose = "Results: 12 (5%) of trusts agreed. Of those asked, 96 (26%) said yes."
    assert [prose[a:b] for a, b in split_sentences(prose)] == [
        "Results: 12 (5%) of trusts agreed.",
        "Of those asked, 96 (26%) said yes.",
    ]


def test_a_closing_bracket_or_quote_stays_with_its_sentence() -> None:
    text = "There is often confusion about this. (See box opposite.) He said “we will.” Then it ended."
    assert _split(text) == [
        "There is often confusion about this.",
        "(See box opposite.)",
        "He said “we will.”",
        "Then it ended.",
    ]


def test_a_short_quotation_is_one_unit_with_what_introduces_it() -> None:
    """Cut after "GP.", 'I may think ...: "I'm not a GP.' was quoted with no closing mark, and the
    GPs' demand an anaesthetist quotes was given in part as his own words."""
    sho = "I may think it needn't concern me: \"I'm not a GP. I don't handle the budgets.\" Actually, it does."
    assert _split(sho) == [
        "I may think it needn't concern me: \"I'm not a GP. I don't handle the budgets.\"",
        "Actually, it does.",
    ]
    curly = "Ms Pitt says: “It is easy to assume. A clinician knows.” She left."
    assert _split(curly) == ["Ms Pitt says: “It is easy to assume. A clinician knows.”", "She left."]
    # A quotation that runs on (a letter quoted whole) is split as usual, as is one left open.
    long = "“" + " ".join(f"Sentence number {n} runs on for a good many words here." for n in range(8)) + "”"
    assert len(_split(long)) == 8
    assert _split('He wrote: "Open. And never closed. Then more.') == [
        'He wrote: "Open.',
        "And never closed.",
        "Then more.",
    ]


def test_an_advert_run_into_a_sentence_is_not_quoted() -> None:
    """The BMJ guide's "Visit the BMJ Careers Centre ... careers.bmj.com" runs into the pull quote
    under it: one sentence, whose vector stays as it is, and whose quoted text leaves it out."""
    advert = "Visit the BMJ Careers Centre for news and features on GP commissioning careers.bmj.com "
    quote = "“Consortiums will inherit several statutory duties previously undertaken by PCTs and SHAs.”"
    assert quotable(advert + quote) == quote
    # A pointer that is the sentence, or whose address is followed by more of it, stays.
    assert quotable("Visit the BMJ Careers Centre for news careers.bmj.com") == (
        "Visit the BMJ Careers Centre for news careers.bmj.com"
    )
    assert quotable("See www.bma.org.uk for more on the GPC's guidance.") == (
        "See www.bma.org.uk for more on the GPC's guidance."
    )
    assert (
        quotable("Consortiums should visit careers.bmj.com Today.") == "Consortiums should visit careers.bmj.com Today."
    )
