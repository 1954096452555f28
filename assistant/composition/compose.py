"""The default, extractive answer: the sources' own sentences, each marked with its [n].

Sentences are chosen from the top passages by relevance to the question (sentence embedding
similarity plus term overlap), kept diverse (no near-duplicates), ordered as the sources order
them, and never reworded. A sentence that introduces a list ("These are:") brings its items.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..gate.persons import wants_person
from ..retrieval.kinds import (
    COMPARISON_Q,
    LEANS_ON,
    POINTS_BACK,
    asks_for_list,
    asks_for_number,
    asks_how,
    asks_yes_or_no,
    defines_one_of,
    ends_on_address,
    heading_date,
    is_item,
    is_question,
    is_statement,
    kind_of_ask,
    number_answer,
)
from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate, heading_asks
from ..retrieval.rewrite import expand
from ..retrieval.sentences import is_poll_result
from ..retrieval.spelling import english_words
from ..types import SECTION_SEP, SPEAKER_TURN
from .authors import first_person, is_signature, named_writers
from .boards import another_board, board_kinds
from .lead import bearing, lead, quoted_in
from .lists import (
    headed_list,
    introduces,
    list_of,
    paired_list,
    section_list,
    with_list_items,
    with_named_lines,
)
from .neighbours import (
    continuation,
    filled,
    rest_of_section,
    says_nothing,
    similar,
    with_antecedents,
    with_definitions,
    with_qualifications,
    with_questions_answered,
    with_turn_ends,
    with_turn_replies,
)
from .picked import Picked, passage_sentences
from .render import Composition, rendered
from .speakers import EVERY_SPEAKER, is_turn_reply, named_speakers, panel_answer, speaker_of, turns

QUESTION_PENALTY = 0.1
# "How are A, B and C different?": a sentence saying what one of them is, lifted by this much
# (dev 0.05 / 0.08 / 0.15: key facts 0.884 / 0.887 / 0.886, from 0.882).
COMPARISON_LIFT = 0.08
# How far a named speaker's sentences are preferred, and the other speakers' put back.
NAMED_SPEAKER = 0.1
# How far the sentences of a passage that does not hold a name the ask gives are put back.
# (Leaving them out cost held-out key facts: a writer's own place, "somerset gp partner - ...",
# is named in many asks about something else.)
NAMED_PLACE = 0.1
# The answer to a question the source asks scores as the question, a little less.
ANSWER_DECAY = 0.02
PASSAGE_MARGIN = 0.08
# A numeric question with no number in the answer looks this far down, this close in score
# (the dev set's figures were the same for 4-8 passages and a reach of 0.05-0.15).
NUMBER_PASSAGES = 5
NUMBER_REACH = 0.1
# A sentence of the passages ranked just below those drawn on opens the answer when it scores
# this much above their best, its passage close to the first ("what happens if our CCG isn't
# ready for authorisation?": "NHS England will be responsible for commissioning services on
# behalf of CCGs who are not deemed ready ..." sat in the fifth passage, 0.05 below the first,
# and the answer opened on health and wellbeing boards). Dev 0.0 / 0.03 / 0.05: first sentence
# 0.6160 / 0.6181 / 0.6181 (0.6181 without), key facts 0.8431 / 0.8438 / 0.8438.
RESCUE_PASSAGES = 5
RESCUE_MARGIN = 0.03
# How far a sentence holding an ask's own words (by rarity) is lifted when the ask borrows its
# topic: from the conversation, the ask before it or the writer's situation.
OWN_WORDS = 0.1
# Sentences the previous answer did not quote, added to a repeated answer, and their least length.
FRESH = 2
FRESH_MIN_WORDS = 6
# Sentences this close to the best one are as likely to carry the answer.
FLOOR_MARGIN = 0.15
# How rare a word of a follow-up must be, in the corpus (IDF) and in everyday English (share of
# its words), for a passage found with its topic alone to lend the sentences holding it (`aside`):
# "remuneration" (IDF 4.6, 2e-7), not "trust" (2.2) or "day" (3.5, 6e-4: "what does it do day to
# day?" drew "... those working with patients every day").
ASIDE_IDF = 3.0
ASIDE_ENGLISH = 1e-5
# A short answer of fragments misses facts its passages hold: below this many words, sentences
# within the floor keep coming, up to two past the budget.
MIN_ANSWER_WORDS = 120
# A heading match this strong states the question ("Single operating model" for "what is the
# single operating model?"): the section under it is the answer.
HEADING_STATES = 0.5
# Every lead's answer to the interviewer's question answers an ask only where the question
# (the section's heading) matches the ask this well (0.2 and 0.5 were worse on dev).
PANEL_HEADING = 0.3
# An ask for reasons alone: "why ...?", "what was his reason?"; not "who should it be, and why?",
# which asks for the reply as well.
_WHY = re.compile(r"^\W*(?:and |so |but )?(?:why|how come)\b|\breasons?\b", re.I)
# A later part's opening that an earlier part printed is quoted again when it holds this much of
# the later ask's words, by rarity (`_states`).
REQUOTE_WORDS = 0.3
# Fill a gap of one sentence between two chosen sentences of a passage, so the quote reads
# as the source does.
FILL_GAPS = True


def compose(
    question: str,
    cands: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
    max_sentences: int = 4,
    passages: int = 3,
    idf: Callable[[str], float] | None = None,
    min_words: int = MIN_ANSWER_WORDS,
    margin: float | None = PASSAGE_MARGIN,
    shown: frozenset[str] = frozenset(),
    said_before: str = "",
    ask: str = "",
    naming: frozenset[str] = frozenset(),
    only_named: bool = False,
    authors: Mapping[str, Sequence[str]] | None = None,
    fresh: int = FRESH,
    own_vector: np.ndarray | None = None,
    aside: Sequence[Candidate] = (),
) -> Composition:
    """The answer from the best passages. `idf` weighs the question's words by rarity, so a
    sentence naming "Croydon" outranks one that only repeats "CCG". `min_words` is this answer's
    share of MIN_ANSWER_WORDS (one ask of several gets less). `margin`: how far below the best
    passage another may score and still be drawn on; None draws on every one of `passages`.
    `shown`: sentences an earlier part of the same reply quotes. They are chosen as usual (this
    part is judged on all it rests on) but not printed twice: `Composition.above` lists them.
    `naming`: the candidates (chunk ids) holding every name the ask gives; when one of the
    first `passages` is one, the others' sentences are put back and lend no missing number, or
    with `only_named` (the named place's passages state no figure the ask wants) left out.
    `authors`: per candidate (chunk id), the label of the writer who signed each sentence
    (authors.py), shown before a first-person sentence. `fresh`: how many sentences the previous
    answer did not quote are added to an answer whose every sentence it quoted: those nearer to
    `own_vector` (the ask's own words, embedded) than any sentence repeated; when these passages
    hold fewer, from `aside` (passages found for the ask with its topic alone), nearest first."""
    weight = idf or (lambda t: 1.0)
    # What the sentences are about comes from `question`, which carries the words a thin ask
    # borrows; the kind of answer wanted comes from the ask, where it has a question of its own.
    kind = kind_of_ask(ask, question)
    wants_number = asks_for_number(kind)
    number = number_answer(kind)
    wants_list = asks_for_list(kind)
    comparing = bool(COMPARISON_Q.search(kind))
    # Passages below the first `passages` lend only a missing number or a far better sentence.
    top = list(cands[: max(passages, NUMBER_PASSAGES, RESCUE_PASSAGES)])
    if not top:
        return Composition("", [])
    best_passage = top[0].score
    qterms = set(terms(question))
    q_weight = sum(weight(t) for t in qterms) or 1.0
    # An ask that borrows its topic (a follow-up, a thin later part) asks its own words: "any
    # examples?" after how consultants can help with referral management.
    own_terms = set(terms(ask)) & qterms if ask else set()
    borrowed = bool(own_terms) and own_terms != qterms
    own_weight = sum(weight(t) for t in own_terms) or 1.0
    boards = board_kinds(question)
    pool: list[Picked] = []
    said: dict[int, list[str | None]] = {}  # per passage: whose words each sentence is (`speaker_of`)
    extra: list[Picked] = []  # further passages: for a missing number, or a far better sentence
    for pi, cand in enumerate(top):
        texts = index_sentences.get(cand.chunk.chunk_id, ([], np.zeros((0, 0))))[0]
        said[pi] = [speaker_of(t, label) for t, label in zip(texts, turns(cand.chunk.text, texts), strict=True)]
    # An ask that names one of an interview's speakers ("which wave did Somerset go for?") is
    # answered from that speaker's turns, not from the others' answers to the same question.
    named = named_speakers(question, {label for labels in said.values() for label in labels})
    # An ask naming the writer of a signed piece ("what does Abi Berger say is the one thing to
    # do?") is answered from the piece, not its signature line, which names her and says nothing.
    signed = {pi: list((authors or {}).get(cand.chunk.chunk_id, ())) for pi, cand in enumerate(top)}
    writers = named_writers(question, sorted({label for labels in signed.values() for label in labels}))
    who = bool(writers) and wants_person(ask or question)  # read only when a writer is named
    # "By how much did referrals fall in Sunderland ...?" was answered with City and Hackney's
    # "4% reduction in secondary care referrals": a passage about another place, lifted by its
    # number and by every other word of the ask.
    placed = any(c.chunk.chunk_id in naming for c in top[:passages])
    near_parts: set[tuple[str, str, int]] = set()  # (document, section, position) of passages drawn on
    for pi, cand in enumerate(top):
        # Passages well below the best add noise, not facts; but a passage continuing a section
        # already drawn on is the same unit of meaning, cut in two only by its length.
        ch = cand.chunk
        same_section = any(
            (ch.doc_id, ch.section) == (d, sec) and abs(ch.position - pos) == 1 for d, sec, pos in near_parts
        )
        near = margin is None or cand.score >= best_passage - margin or same_section
        drawn = pi == 0 or (pi < passages and near)
        if drawn:
            near_parts.add((ch.doc_id, ch.section, ch.position))
        into = pool if drawn else extra
        texts, _vecs = index_sentences.get(cand.chunk.chunk_id, ([], np.zeros((0, 0))))
        sims = cand.sentence_sims
        # A sentence from mid-turn is also its speaker's ("what did the Somerset CCG say ...?").
        speakers = said[pi]
        terse = {
            who
            for who in set(speakers) & named
            if all(len(SPEAKER_TURN.sub("", t).split()) < 3 for t, w in zip(texts, speakers, strict=False) if w == who)
        }
        asked = -1.0  # the raw score of a question the source has just asked, if any
        dated = heading_date(ch.section)
        for si, text in enumerate(texts):
            if si >= len(sims):
                continue
            after_question = asked > -1.0
            # The lead the ask names may answer in a word or two ("SF (...): Me. A GP!"): a turn
            # of nothing else is kept whole (a longer turn's fragments stay out, as for others).
            asked_of = speakers[si] in terse  # `terse` holds only speakers the ask names
            if len(text.split()) < 3 and not is_item(text) and not after_question and not asked_of:
                continue  # a fragment, unless it answers the source's question ("Probably.")
            if another_board(boards, text, ch.section):
                continue  # "the board" of a health and wellbeing board's section is not a CCG's
            # "GP (...): This is definitely a risk ...": a reply pointing back at the interviewer's
            # question, which is its section's heading; quoted under another ask, it reads as
            # calling that ask's subject a risk.
            if cand.heading < HEADING_STATES and (_answers_heading(text) or (is_turn_reply(text) and not asked_of)):
                continue
            spoken = f"{speakers[si]} {text}" if speakers[si] and not SPEAKER_TURN.match(text) else text
            overlap = sum(weight(t) for t in qterms & set(terms(spoken))) / q_weight
            # A sentence is judged in its passage's context: the passage score carries the
            # heading and the neighbouring sentences that the sentence alone lacks.
            score = 0.5 * float(sims[si]) + 0.4 * cand.score + 0.2 * overlap
            if borrowed:
                score += OWN_WORDS * sum(weight(t) for t in own_terms & set(terms(spoken))) / own_weight
            if si < 2 and cand.heading >= HEADING_STATES:
                score += 0.04  # the opening of a section whose heading is the question
            if wants_number and number.search(f"{dated} {text}"):
                score += 0.06
            if comparing and defines_one_of(text, qterms):
                score += COMPARISON_LIFT
            if named and speakers[si] is not None:
                score += NAMED_SPEAKER if speakers[si] in named else -NAMED_SPEAKER
            if writers:
                if not who and is_signature(text):
                    continue
                writer = signed[pi][si] if si < len(signed[pi]) else ""
                if writer:
                    score += NAMED_SPEAKER if writer in writers else -NAMED_SPEAKER
            if placed and cand.chunk.chunk_id not in naming:
                score -= NAMED_PLACE
            # A bare heading-like fragment ("Commissioning support units") names the topic
            # but answers nothing, unless the question asks for a list and this is one.
            if not (wants_list and is_item(text)):
                score -= 0.03 * max(0, 5 - len(terms(text)))
            # A question in the source ("Why should NHS commissioning be any different?") asks,
            # it does not answer; a list of questions still comes in through its lead-in.
            if is_question(text):
                # The source asks the reader's question ("So is there evidence that ...?"): the
                # sentences after it answer it, and are as relevant as the question itself.
                asked = score
                score -= QUESTION_PENALTY
            elif after_question:
                score = max(score, asked - ANSWER_DECAY)
                asked = asked - ANSWER_DECAY if is_statement(text) and len(text.split()) < 3 else -1.0
            into.append(Picked(pi, si, text, score, dated=dated))
    if placed:
        extra = [p for p in extra if top[p.passage].chunk.chunk_id in naming]
        if only_named:
            pool = [p for p in pool if top[p.passage].chunk.chunk_id in naming] or pool
    # "durham dales ccg - whats their next big issue": the other leads' answers to the same
    # question are not Durham Dales's ("SF (...): Dementia."), however many of the ask's words
    # they repeat; they were quoted first, and the named lead's one-word answer last.
    if named and any(said[p.passage][p.sentence] in named for p in pool):
        pool = [p for p in pool if said[p.passage][p.sentence] in named or said[p.passage][p.sentence] is None]
        if not _WHY.search(kind):  # a "why" ask is answered by the reasons
            _lift_reply(pool, said, named)
    if not pool:
        return Composition("", [])
    pool.sort(key=lambda p: -p.score)
    extra.sort(key=lambda p: -p.score)
    # Not for a partial answer (`margin` None): it offers its closest passages, each on its own
    # sentences, and one more squeezed one of them out (unseen: two lost their evidence).
    rescued = (
        next((p for p in extra if top[p.passage].score >= best_passage - PASSAGE_MARGIN), None) if margin else None
    )
    if rescued is not None and rescued.score > pool[0].score + RESCUE_MARGIN and is_statement(rescued.text):
        extra.remove(rescued)
        pool.insert(0, rescued)
    # "what will NHS England be responsible for?" under "7. NHS England": "It will be responsible
    # for:" and its heading say the whole ask, so its list is the answer. Its four items had
    # scored below the prose around them, and one came, without the others.
    restated = None if wants_list else _restating_lead_in(pool, top, qterms)
    if restated is not None:
        pool.remove(restated)
        restated.score = pool[0].score if pool else restated.score
        pool.insert(0, restated)
        # "It will be ...": the sentence before names what "it" is.
        before = next((p for p in pool if (p.passage, p.sentence) == (restated.passage, restated.sentence - 1)), None)
        if before is not None and LEANS_ON.match(restated.text):
            pool.remove(before)
            before.score = restated.score
            pool.insert(1, before)
    # Every question gets the whole budget: a terse one ("csu numbers?") was cut to three
    # sentences before, which dropped facts its passages held (dev key facts 0.862 -> 0.866).
    budget = max_sentences
    panel = _panel(question, top[:passages], index_sentences, pool, said, shown, ask)
    if panel is not None:
        return panel
    # A title or a caption line ("Social enterprise story", "Why locums must be involved",
    # "Edward Davies, editor, BMJ Careers") can match an ask best and says nothing: it opened
    # answers as if it were a sentence. A line that heads a list keeps its place (its items are
    # the answer), and so does a long one (a standfirst without its full stop states something).
    # How far below the best match other sentences may come is still measured from it.
    best_score = pool[0].score
    pool = [p for p in pool if not _heads_nothing(p, top, index_sentences)] or pool
    chosen: list[Picked] = [pool[0]]
    follow = continuation(pool[0], top, index_sentences)
    if follow is not None and budget > 1:
        chosen.append(follow)
        # "There are many ways you can do this. For example by helping with:" + the list.
        lead_in = continuation(follow, top, index_sentences, lead_in_only=True)
        if lead_in is not None:
            chosen.append(lead_in)
    floor = best_score - FLOOR_MARGIN
    for p in pool[1:]:
        # What an earlier part printed is not printed again, so it takes none of this part's room.
        new = [c for c in chosen if c.quoted.strip() not in shown]
        words = sum(len(c.text.split()) for c in chosen)
        if p.score < floor or len(new) >= budget + (2 if words < min_words else 0):
            break
        if any(similar(p.text, c.text) or (p.passage, p.sentence) == (c.passage, c.sentence) for c in chosen):
            continue
        if says_nothing(p.text):
            continue
        chosen.append(p)
    if comparing:
        chosen = with_definitions(chosen, pool, qterms)
    if top[0].heading >= HEADING_STATES and not comparing:
        chosen = rest_of_section(chosen, pool, budget, min_words, said[0])
    if FILL_GAPS:
        chosen = filled(chosen, top, index_sentences)
    chosen = with_questions_answered(chosen, top, index_sentences)
    headed = headed_list(top[:passages], index_sentences) if wants_list else None
    if headed is not None:
        chosen = [headed]
    elif wants_list and not any(is_item(p.text) or p.text.rstrip().endswith(":") for p in chosen):
        listed = list_of(top, index_sentences)
        if listed is not None:
            chosen = [listed]
    listing = any(p.text.rstrip().endswith(":") or (wants_list and is_item(p.text)) for p in chosen)
    # The reranker's first passage is right far more often than any single sentence score (hit@1
    # 0.86 against 0.67 for dense retrieval on the dev set): a prose answer that leaves it out has
    # usually strayed. A list answer stands on its own.
    if not listing and not any(p.passage == 0 for p in chosen) and (not placed or top[0].chunk.chunk_id in naming):
        first = next((p for p in pool if p.passage == 0 and is_statement(p.text)), None)
        if first is not None:
            chosen = [*chosen[: max(1, budget - 1)], first]
    # "How many GPs...?" answered without a number has missed the point: take the best sentence
    # with the asked kind of number. The top passage's own is taken however its words score
    # ("SCNs will be established for up to five years" for "how long are the strategic clinical
    # networks set up for?", answered first with the list of networks); a further passage's only
    # when close in relevance.
    if wants_number and not any(number.search(p.reads) for p in chosen):
        reach = best_score - NUMBER_REACH
        own = (p for p in pool if p.passage == 0 and number.search(p.reads) and not is_item(p.text))
        numeric = next(own, None)
        if numeric is None and not listing:
            numeric = next((p for p in extra if number.search(p.reads) and p.score >= reach), None)
        if numeric is not None:
            chosen = [*chosen, numeric] if listing else [*chosen[: max(1, budget - 1)], numeric]
            # "One GP in each practice is likely to spend half a day a week" came without the
            # sentence before it, "3 to 4 GP leaders who spend 2-3 days per week": a figure's
            # neighbour giving the same kind of figure answers the same ask.
            sibling = next(
                (
                    p
                    for p in (pool if numeric.passage == 0 else extra)
                    if p.passage == numeric.passage
                    and abs(p.sentence - numeric.sentence) == 1
                    and number.search(p.reads)
                    and not is_item(p.text)
                ),
                None,
            )
            if sibling is not None and not listing:
                chosen = [*chosen[: max(1, budget - 2)], numeric, sibling]
    if wants_list:
        chosen = paired_list(chosen, top[:passages], index_sentences, qterms)
    # "How did City and Hackney reduce emergency admissions?": under a heading that states the
    # ask, the list that continues the section in the next passage is how. Two sentences of the
    # section's opening were quoted, and none of its eight measures.
    # ("Who can pay into the NHS pension scheme?" is not asking how: the list after that answer
    # is of the Hutton recommendations' threats.)
    how = asks_how(kind)
    continued = section_list(chosen, top, index_sentences) if how and top[0].heading >= HEADING_STATES else None
    if continued is not None:
        chosen = [*chosen, continued]
    chosen = with_list_items(chosen, top, index_sentences, wants_list or continued is not None)
    chosen = _without_restatements(_without_repeated_items(chosen))
    have = {(p.passage, p.sentence) for p in chosen}
    # A lead-in whose list is not in the passage (its items are subsections of their own, "These
    # savings were achieved using the following strategies:") would end on a colon, promising
    # what the answer does not give. One whose items are quoted stays, though its first item is
    # not: without it the items read as more of the list before them, or of the prose.
    kept = [p for p in chosen if not (p.text.rstrip().endswith(":") and not introduces(p, top, index_sentences, have))]
    # A poll's figure quoted without its poll's question ("No: 97 (62%)" after another poll's
    # figures) would be read as that other poll's.
    kept = [p for p in kept if not (is_poll_result(p.text) and _poll_of(p, top, index_sentences) not in have)]
    chosen = kept or with_named_lines(chosen, top, index_sentences)
    replies: dict[tuple[int, int], Picked] = {}
    if asks_yes_or_no(kind) or named:
        # "JR (...): Yes." before the sentence quoted from the turn it opens.
        chosen, replies = with_turn_replies(chosen, top, index_sentences)
    chosen = with_turn_ends(chosen, top, index_sentences)
    opening = lead(chosen, kind, FLOOR_MARGIN, wants_list)
    # "What are the BMA's main concerns ...?": the best passage stands under the heading "What are
    # our concerns?", and its list, which reads as no sentence, came last, after other passages'
    # sentences on the BMA's views. Under a heading that is the question, its section answers first.
    if (opening is None or opening.passage != 0) and heading_asks(top[0].chunk.section, kind):
        answering = [p for p in chosen if p.passage == 0 and not p.joins]
        if answering:
            opening = min(answering, key=lambda p: p.sentence)
    if opening is not None:
        # The turn's reply opens, and the sentence it was brought for follows it.
        opening = replies.get((opening.passage, opening.sentence), opening)
    repeated = bool(said_before) and all(quoted_in(p.quoted, said_before) for p in chosen)
    added: list[Picked] = []
    if repeated:
        opening = bearing(chosen, ask, opening)
        # "and who pays for the time if we get involved?" after locums' role came back as the
        # locum passage word for word: what the reader has not read yet follows it, so a
        # follow-up asking something new gets more than the repeat (dev: 4 of the 12 repeated
        # answers holding no key fact gain one).
        have = {(p.passage, p.sentence) for p in chosen}

        def unread(picked: Sequence[Picked]) -> list[Picked]:
            return [
                p
                for p in picked
                if (p.passage, p.sentence) not in have
                and is_statement(p.text)
                and not is_item(p.text)
                and len(p.text.split()) >= FRESH_MIN_WORDS
                # A turn's opening without the interviewer's question says little ("SF (...):
                # End-to-end North East Commissioning Support Service.").
                and not SPEAKER_TURN.match(p.text)
                and not quoted_in(p.quoted, said_before)
            ]

        def nearness(p: Picked) -> float:
            vecs = index_sentences.get(top[p.passage].chunk.chunk_id, ([], np.zeros((0, 0))))[1]
            return float(vecs[p.sentence] @ own_vector) if own_vector is not None and p.sentence < len(vecs) else 0.0

        # Only what bears on the new ask more than the repeat does: "Clinical networks will be
        # condition or service area specific" said nothing of how to get on a senate.
        bar = max((nearness(p) for p in chosen), default=0.0)
        own_passages = len(top)
        candidates = unread(sorted([*pool, *extra], key=lambda p: -p.score))
        if own_vector is not None:
            candidates = [p for p in candidates if nearness(p) > bar]
            if len(candidates) < fresh and aside:
                # Those holding a word of the ask (or a synonym's) that the repeat lacks, and that
                # few passages use. Nearness alone brought noise from passages found with the
                # topic ("England's 211 clinical commissioning groups ..." for whether the
                # hospital doctor may come from the CCG's own patch), and "Is it paid?" reads
                # nearer to "... £65bn of the £95bn NHS commissioning budget" than to "... their
                # remuneration determined following decisions of the governing body".
                said_words = {t for p in chosen for t in terms(p.text)}
                wanted = {t for t in _telling_terms(expand(ask)) if weight(t) >= ASIDE_IDF} - said_words
                candidates += sorted(
                    (
                        p
                        for p in unread(_aside_sentences(aside, top, index_sentences, said))
                        if wanted & set(terms(p.text))
                    ),
                    key=lambda p: -nearness(p),
                )
        added = candidates[:fresh]
        last = min(p.score for p in chosen)
        for p in added:  # an aside passage's score is another query's: it follows what it adds to
            if p.passage >= own_passages:
                p.score = min(p.score, last)
        chosen = [*chosen, *added]
    chosen, opening = with_antecedents(chosen, opening, top, index_sentences)
    chosen = with_qualifications(chosen, top, index_sentences)
    # An earlier part printed this part's opening: quoted again when it holds what this ask asks
    # (its own words, or the number it wants), so the part opens with its answer.
    again = (
        opening is not None
        and opening.quoted.strip() in shown
        and _states(opening.reads, ask or question, weight, number if wants_number else None)
    )
    # A signed piece's first-person sentence names its writer, as an interview's turn does.
    voices = {
        pi: [
            (signer or None) if first_person(text) else None
            for text, signer in zip(
                passage_sentences(top, index_sentences, pi), authors.get(top[pi].chunk.chunk_id, ()), strict=False
            )
        ]
        if authors and not any(labels)
        else labels
        for pi, labels in said.items()
    }
    composition = rendered(chosen, top, voices, opening, shown, again)
    composition.repeated = repeated
    composition.more = repeated and bool(added)
    return composition


def _telling_terms(text: str) -> set[str]:
    """The terms of `text`'s words that everyday English seldom uses (ASIDE_ENGLISH)."""
    english = english_words().word_frequency
    total = english.total_words or 1
    return {t for w in set(re.findall(r"[a-z]+", text.lower())) if english[w] / total < ASIDE_ENGLISH for t in terms(w)}


def _aside_sentences(
    aside: Sequence[Candidate],
    top: list[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
    said: dict[int, list[str | None]],
) -> list[Picked]:
    """The sentences of `aside`'s passages that `top` lacks, each passage put after `top`'s (so the
    answer can cite it) with whose words each sentence is."""
    have = {c.chunk.chunk_id for c in top}
    picked: list[Picked] = []
    for cand in aside:
        if cand.chunk.chunk_id in have:
            continue
        texts = index_sentences.get(cand.chunk.chunk_id, ([], np.zeros((0, 0))))[0]
        pi = len(top)
        top.append(cand)
        have.add(cand.chunk.chunk_id)
        said[pi] = [speaker_of(t, label) for t, label in zip(texts, turns(cand.chunk.text, texts), strict=True)]
        picked.extend(
            Picked(pi, si, text, cand.score, dated=heading_date(cand.chunk.section)) for si, text in enumerate(texts)
        )
    return picked


def _without_repeated_items(chosen: list[Picked]) -> list[Picked]:
    """The chosen sentences without a list item its list already gave word for word: the BMA
    page lists "clinical referral guidelines" twice, and the answer printed it twice."""
    first: dict[tuple[int, str], Picked] = {}
    for p in sorted((p for p in chosen if is_item(p.text)), key=lambda p: p.sentence):
        first.setdefault((p.passage, " ".join(p.text.lower().split())), p)
    kept = {id(p) for p in first.values()}
    return [p for p in chosen if not is_item(p.text) or id(p) in kept]


def _without_restatements(chosen: list[Picked]) -> list[Picked]:
    """The chosen sentences without one another passage's longer sentence already says: "Clinical
    networks are condition or service area specific." (the quick guide) after "Clinical networks
    will be condition or service area specific and clinical senates will bring together ..."
    (the BMA page) said it twice, under two citations. List items and interview turns stay."""
    prose = [p for p in chosen if is_statement(p.text) and not is_item(p.text) and not SPEAKER_TURN.match(p.text)]
    dropped = {
        id(p)
        for p in prose
        if any(
            c.passage != p.passage and len(terms(c.text)) > len(terms(p.text)) and similar(p.text, c.text)
            for c in prose
        )
    }
    return [p for p in chosen if id(p) not in dropped]


def _answers_heading(sentence: str) -> bool:
    """An interview turn whose reply opens by pointing back at the question asked ("This is
    definitely a risk ...")."""
    m = SPEAKER_TURN.match(sentence)
    return m is not None and bool(POINTS_BACK.match(sentence[m.end() :]))


def _restating_lead_in(pool: Sequence[Picked], top: Sequence[Candidate], qterms: set[str]) -> Picked | None:
    """A list's lead-in ("It will be responsible for:") in a drawn passage whose words are all the
    ask's and which, with its passage's heading, states every word of the ask."""
    for p in pool:
        said = set(terms(p.text))
        if not p.text.rstrip().endswith(":") or not said or not said <= qterms:
            continue
        if qterms <= said | set(terms(top[p.passage].chunk.section)):
            return p
    return None


def _lift_reply(pool: Sequence[Picked], said: dict[int, list[str | None]], named: set[str]) -> None:
    """The named speaker's reply to the interviewer's question ("BT (...): It will be a
    management member.") answers it in few words of its own, and the reasons after it, which
    repeat the ask's words, outscored it: the opening of the turn holding their best-scoring
    sentence scores as that sentence does. A bare reply ("Definitely.") is left to come in with
    the sentence it opens."""
    best = max((p for p in pool if said[p.passage][p.sentence] in named), key=lambda p: p.score, default=None)
    if best is None:
        return
    opening = max(
        (p for p in pool if p.passage == best.passage and p.sentence <= best.sentence and SPEAKER_TURN.match(p.text)),
        key=lambda p: p.sentence,
        default=None,
    )
    if opening is not None and said[opening.passage][opening.sentence] in named and not is_turn_reply(opening.text):
        # Just under: the lead stays the sentence that answers best (opening with the reply
        # instead lost the first-sentence key fact on 5 unseen items and 2 dev ones).
        opening.score = max(opening.score, best.score - 0.001)


def _states(text: str, ask: str, weight: Callable[[str], float], number: re.Pattern[str] | None) -> bool:
    """Whether `text` holds what `ask` asks: the number it wants, or at least REQUOTE_WORDS of
    its words by rarity. "How much of the budget do they control?" after "How many CCGs are
    there?" is answered by "England's 211 ... CCGs ... be responsible for £65bn of the £95bn NHS
    commissioning budget"; "what share of A&E attenders did they send elsewhere?" is not by "GPs
    in Tower Hamlets ... have initiated discussions", though the earlier part opened with it."""
    if number is not None and number.search(text):
        return True
    asked = set(terms(ask))
    total = sum(weight(t) for t in asked)
    return total > 0 and sum(weight(t) for t in asked & set(terms(text))) / total >= REQUOTE_WORDS


def _panel(
    question: str,
    top: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
    pool: Sequence[Picked],
    said: dict[int, list[str | None]],
    shown: frozenset[str] = frozenset(),
    ask: str = "",
) -> Composition | None:
    """An ask about what an interview's panel said: each speaker's answer (`panel_answer`).
    Whether it names the whole panel is read in the ask's own words (`ask`), not in those it
    borrows from the ask before it."""
    whole = bool(EVERY_SPEAKER.search(ask or question))
    # The interviewer's question (the section's heading) must be the ask's: "Do CCGs have to
    # involve patients ...?" got every lead's answer on any qualified provider, "SF (...): No."
    # among them.
    # (Not for an ask naming the panel outright: "In the interviews with six CCG leads, who did
    # each of them say would be their accountable officer?" matched its heading at 0.25.)
    if not top or (top[0].heading < PANEL_HEADING and not whole):
        return None
    texts = [index_sentences.get(c.chunk.chunk_id, ([], None))[0] for c in top]
    where = [f"{c.chunk.doc_id}{SECTION_SEP}{c.chunk.section}" for c in top]  # a section of one document
    panel = panel_answer(question, list(zip(where, texts, strict=True)), whole)
    if panel is None:
        return None
    scored = {(p.passage, p.sentence): p.score for p in pool}
    turns_said = [Picked(pi, si, texts[pi][si], scored.get((pi, si), 0.0)) for pi, si in panel]
    # The speaker whose words match the ask best opens; the others follow in the source's order.
    opener = max((p for p in turns_said if SPEAKER_TURN.match(p.text)), key=lambda p: p.score)
    return rendered(turns_said, top, said, opener, shown)


def _poll_of(
    p: Picked, top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> tuple[int, int] | None:
    """The poll question a poll result answers: the nearest question before it in its passage."""
    texts = passage_sentences(top, index_sentences, p.passage)
    return next(((p.passage, i) for i in range(p.sentence - 1, -1, -1) if is_question(texts[i])), None)


# Words up to which a line without a closing stop is a title, a caption or a byline.
CAPTION_WORDS = 8


def _heads_nothing(
    p: Picked, top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> bool:
    """Whether `p` is a title, caption or link text that introduces no list: it may not open."""
    # A long line may be a standfirst that states something; one ending on a web address, however
    # long, is an advertisement or a link ("The BMJ General Update Masterclass ... masterclasses.bmj.com/GPs").
    # (A long pointer to another guide may still open a partial answer: "What is co-commissioning?"
    # is answered by where the guidance says to read about it.)
    if not says_nothing(p.text) or (len(p.text.split()) > CAPTION_WORDS and not ends_on_address(p.text)):
        return False
    texts = passage_sentences(top, index_sentences, p.passage)
    return not (p.sentence + 1 < len(texts) and is_item(texts[p.sentence + 1]))
