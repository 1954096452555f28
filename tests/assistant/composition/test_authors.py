"""Who wrote a passage of a signed piece (`assistant/composition/authors.py`)."""

from __future__ import annotations

from assistant import Assistant
from assistant.composition.authors import _signatures, first_person, is_signature, named_writers, signers

PIECES = (
    "I worry about whether commissioning means hospitals will become poorer.\n\n"
    "Dr_T, gastroenterology ST6, doc2doc\n\n"
    "I've already had questions about pre-op clinics.\n\n"
    "John D, consultant anaesthetist, doc2doc\n\n"
    "NHS England, the new body, hosts them.\n\n"
    "Got their eyes on the P's like mice for the cheese.\n\n"
    'From "Andrew Lansley Rap" by MC NxtGen'
)


def test_signature_lines_and_credits_are_read_and_other_lines_are_not() -> None:
    labels = [label for _, label in _signatures(PIECES)]
    assert labels == [
        "Dr_T (gastroenterology ST6, doc2doc):",
        "John D (consultant anaesthetist, doc2doc):",
        'MC NxtGen ("Andrew Lansley Rap"):',
    ]


def test_first_person() -> None:
    assert first_person("Through our work in City and Hackney, referrals fell.")
    assert first_person("I've already had questions about pre-op clinics.")
    assert not first_person("Consortiums will hold budgets. Its members include GPs.")


def test_each_sentence_is_signed_by_the_first_signature_after_it(bot: Assistant) -> None:
    """A passage may hold the end of one signed piece and the start of the next: the pre-op
    anecdote is John D's, not the next signer's; a piece's subsections are signed at its end."""
    chunks = [c for c in bot.index.chunks if c.doc_id == "bmj-guide"]
    preop = next(c for c in chunks if "pre-op clinics" in c.text)
    sentences = bot.index.sentences[preop.chunk_id][0]
    said = dict(zip(sentences, signers(preop, sentences, bot.index), strict=True))
    assert said["I've already had questions about pre-op clinics."].startswith("John D (consultant anaesthetist")
    referrals = next(c for c in chunks if c.section.startswith("Quick wins › 1."))
    assert set(signers(referrals, bot.index.sentences[referrals.chunk_id][0], bot.index)) == {"Kate Adams (London GP):"}
    # A document of unsigned guidance: nobody.
    bma = next(c for c in bot.index.chunks if c.doc_id == "bma-quick-guide")
    assert set(signers(bma, bot.index.sentences[bma.chunk_id][0], bot.index)) == {""}


def test_a_first_person_sentence_of_a_signed_piece_names_its_writer(bot: Assistant) -> None:
    """ "Through our work in City and Hackney ..." read as the guidance's own voice."""
    answer = bot.ask("How did City and Hackney reduce referrals?")
    assert "Kate Adams (London GP): Through our work in City and Hackney" in answer.text, answer.text
    # The citation quotes the source's words only.
    assert not any(q.startswith("Kate Adams") for c in answer.citations for q in c.sentences)


def test_a_signature_the_text_ran_on_ends_its_piece_unsigned(bot: Assistant) -> None:
    """The PDF's text runs "Peter Lapsley, patient editor, BMJ" on into the next box; unread, his
    piece was labelled with the next writer who signs (Douglas Smallwood)."""
    ran_on = "I say this with feeling.\n\nPeter Lapsley, patient editor, BMJ keep taking my tablets. Why am I not seen?"
    assert [label for _, label in _signatures(ran_on)] == [""]
    chunks = [c for c in bot.index.chunks if c.doc_id == "bmj-guide" and "Peter Lapsley" in c.text]
    assert chunks
    for chunk in chunks:
        sentences = bot.index.sentences[chunk.chunk_id][0]
        said = dict(zip(sentences, signers(chunk, sentences, bot.index), strict=True))
        before = [s for s in sentences if chunk.text.find(s[:40]) < chunk.text.find("Peter Lapsley")]
        assert before and all(said[s] == "" for s in before), said


def test_a_signature_line_and_the_writers_a_question_names() -> None:
    assert is_signature("Abi Berger, London GP and associate editor, BMJ")
    assert not is_signature("We can't afford to fall out, and it would be childish to do so.")
    labels = ["Paul Zollinger Read (GP director of commissioning development):", "Kate Adams (London GP):"]
    assert named_writers("what does paul zollinger read recommend?", labels) == {labels[0]}
    assert named_writers("What did Adams say about referral rates?", labels) == {labels[1]}
    # One word of a name, written as any word: "read" is a verb here.
    assert named_writers("what should I read first?", labels) == set()
    # A word of one writer's role, in an ask about what someone said or thought.
    roles = [*labels, "Sarah Jones (paediatrics ST1, West Midlands):", "John D (consultant anaesthetist, doc2doc):"]
    assert named_writers("what were the paediatric trainee's worries?", roles) == {roles[2]}
    assert named_writers("what did the anaesthetist think of it?", roles) == {roles[3]}
    assert named_writers("what do paediatric services need?", roles) == set()  # asks what no one said
    assert named_writers("what did the London GP say?", roles) == set()  # a role word many share
    # A sentence whose first word and comma look like a name and its role is no signature.
    assert not is_signature(
        "However, in certain urban settings salaried and sessional GPs form the majority of the GP population."
    )


def test_an_ask_naming_a_writer_by_their_role_is_answered_from_their_piece(bot: Assistant) -> None:
    """It opened with a gastroenterology registrar's worry (Dr_T's), not the paediatric trainee's."""
    answer = bot.ask("what were the paediatric trainee's worries about commissioning")
    assert answer.text.startswith("Sarah Jones (paediatrics ST1, West Midlands):"), answer.text
    assert "Dr_T" not in answer.text


def test_an_ask_naming_a_writer_is_answered_from_their_piece_not_their_signature(bot: Assistant) -> None:
    """It was answered with "Abi Berger, London GP and associate editor, BMJ" alone."""
    answer = bot.ask("What does Abi Berger say is the one thing to do?")
    assert "the entire membership of the group engaged in the debate" in answer.text, answer.text
    assert not any(is_signature(q) for c in answer.citations for q in c.sentences), answer.citations
