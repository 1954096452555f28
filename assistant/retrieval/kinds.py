"""What kind of sentence a source sentence is (a statement that can stand alone, a question the
source asks, a byline, a list item) and what kind of answer a question asks for (a number, a
list, a definition, a rule or permission): the reranker's for a "what is" question, the
composer's for choosing sentences and the one that opens the answer."""

from __future__ import annotations

import re

from ..types import SECTION_SEP
from .lexical import terms


def closing_mark(s: str) -> str:
    """The sentence's final punctuation, looking past closing quotes and brackets ("" if none)."""
    last = s.rstrip().rstrip('"”’)')[-1:]
    return last if last in ".!?:;" else ""


def is_statement(s: str) -> bool:
    """A sentence that can stand alone in an answer: closed by a stop, not a question or item."""
    return closing_mark(s) in {".", "!", ";"} and not is_item(s)


def is_question(s: str) -> bool:
    return closing_mark(s) == "?"


def is_label(s: str) -> bool:
    """No closing stop, no figures, not a list item: a byline or a caption, not a statement
    ("Zana Khan, locum GP and clinical editor, BMJ Learning"; but "No: 97 (62%)" is data). A
    digit inside a word ("paediatrics ST1", "doc2doc") is a name's, not a figure."""
    return not (closing_mark(s) or re.search(r"(?<![A-Za-z])\d", s) or is_item(s))


# "Get more information about health and wellbeing boards.", "Read about the changes ... in our
# guide to co-commissioning.", "Follow the link to the work streams, ...": a link's text inside a
# paragraph sends the reader elsewhere and states nothing. (Ingest drops a link that stands as a
# line of its own, `ingest/clean.py`; one inside a paragraph is kept there, so it is read here.)
# "Visit ..." is not counted: a printed page's sentence splitter joins "Visit the BMJ Careers
# Centre ... careers.bmj.com" to the quotation after it.
_POINTER = re.compile(
    r"^(?:(?:get|read|find out|see|view)\b(?:\s+\w+){0,3}?\s+(?:more|about|all|our|the full|here|further)\b"
    r"|follow (?:the|this) link\b)",
    re.I,
)


# "An overview of joint commissioning activity ... will shortly be available on this website.",
# "More information on joint commissioning ... is contained in the regional Network Bulletins
# which are available at www.jipeast.org.": what a page or a link will hold, not what it says.
_POINTS_AWAY = re.compile(
    r"\bavailable (?:on|at|from) (?:this|our|the) (?:website|web site|site|web page|page)\b"
    r"|\bavailable (?:at|on|from) www\.|^more information (?:on|about)\b.*\b(?:available|contained|found)\b",
    re.I,
)
# Ending on a web address: "The BMJ General Update Masterclass for GPs includes a session on GP
# roles ... masterclasses.bmj.com/GPs", "Take BMJ Learning modules ... learning.bmj.com/learning":
# an advertisement or a link, whatever its length.
_ADDRESSED = re.compile(r"\b(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|gov|nhs)(?:/\S*)?\s*\.?$", re.I)


def is_pointer(s: str) -> bool:
    """A sentence that only points the reader to another page (`_POINTER`, `_POINTS_AWAY`)."""
    s = s.strip()
    return bool(_POINTER.match(s) or _POINTS_AWAY.search(s)) or ends_on_address(s)


def ends_on_address(s: str) -> bool:
    """A sentence ending on a web address (`_ADDRESSED`): it may not open an answer, however long."""
    return bool(_ADDRESSED.search(s.strip()))


def is_item(s: str) -> bool:
    return s.startswith("• ") or bool(re.match(r"^(• )?\d{1,2}[.)]\s", s))


LIST_Q = re.compile(
    # "According to the BMJ guide what are ...", "fy2 here, what are ...": the clause that asks
    # opens after the source it names or the writer's introduction.
    r"(?:^|^\s*according to [^?,]{1,60}?[\s,]|[,;:]\s*)\s*(what|which)\s+(are|were)\b"
    r"|\bin what ways\b|\blist\b|\bname the\b|\bwhat\b.*\binclude\b",
    re.I,
)
# "Which clinical areas got their own networks?", "what sorts of things could I offer?", "and for
# what kind of problems?": a question word heading a plural noun asks for several things, as
# "what are" does. The question word opens the clause (or follows a preposition there), so a
# relative "which" inside a yes/no question ("should we wait until we know which pathways ...?")
# does not count; its noun may carry two modifiers ("which strategic clinical networks").
_NOT_MODIFIER = (
    r"(?:of|in|for|to|on|at|by|with|from|about|is|are|was|were|does|do|did|can|could|should|would|will|"
    r"has|have|had|the|a|an|my|our|your|their|its|i|we|you|they|it|he|she|this|that|if|when|so|one)"
)
_PLURAL_WH = re.compile(
    r"(?:^|[,;:+]\s*|\b(?:and|or|but|so)\s+)(?:(?:for|in|of|on|to|from|with|by|about|under|into)\s+)?"
    rf"(?:what|which)\s+(?:(?:sorts?|kinds?|types?)\s+of\s+)?(?:(?!{_NOT_MODIFIER}\b)[\w'-]+\s+){{0,2}}?"
    r"([a-z][\w-]{2,}s)\b",
    re.I,
)
# Words ending in s that are not plural nouns ("what happens", "which process").
_NOT_PLURAL = frozenset(
    [
        "does",
        "is",
        "was",
        "has",
        "happens",
        "means",
        "needs",
        "counts",
        "makes",
        "gets",
        "goes",
        "works",
        "says",
        "this",
        "its",
        "his",
        "as",
        "always",
        "perhaps",
        "unless",
        "plus",
        "less",
        "across",
        "whereas",
        "besides",
        "sometimes",
        "yes",
        "status",
        "basis",
        "process",
        "access",
        "success",
        "bonus",
        "focus",
        "nhs",
    ]
)


def asks_for_list(question: str) -> bool:
    """Whether the question asks for several things, which a source's list answers. The asking
    sentence is read on its own too: a message often opens with the writer's situation ("I'm a
    medical director pairing GPs with managers. What are the key ingredients ...?")."""
    asked = asking_sentence(question).strip()
    if LIST_Q.search(question) or LIST_Q.search(asked):
        return True
    for m in _PLURAL_WH.finditer(asked):
        word = m.group(1).lower()
        if word not in _NOT_PLURAL and not word.endswith(("ss", "us", "is", "'s", "’s")):
            return True
    return False


# "One of the first ...", "no one", "the one": a pronoun, not a count.
NUMBER = re.compile(
    r"\d|(?<!\bno )(?<!\bthe )\bone\b(?! of\b)"
    r"|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|half|quarter|dozen)\b|\b\w+teen\b",
    re.I,
)


# "What's" and chat's "whats" ask what "what is" asks, and so does "what even / exactly / actually
# is"; so do "what ... means" and "define".
DEFINITION_Q = re.compile(
    r"^\s*(what|who)(\s+(even|exactly|actually|really|precisely))?(\s+(is|are|was|were)\b|['’]?s\b)"
    r"|\bwhat (does|do) .+ (mean|do)\b"
    r"|\bwhat\b.{1,60}\b(means|stands? for)\b|\bwhat is meant by\b|\b(definition of|define)\b",
    re.I,
)
DEFINES = re.compile(r"\b(is|are|means|refers to|will|encompasses|encompass|comprises|consists of)\b", re.I)
# A sentence that leans back through a connective ("However, ...") qualifies one the reader has
# not seen, so it cannot open an answer. One that leans back through a pronoun ("It took on its
# full statutory responsibilities on 1 April 2013") can, when it gives the kind of answer asked
# for (a date, a rule, a definition): the question names what the pronoun stands for.
CONNECTIVE = re.compile(
    r"^\s*(however|but|and|also|so|therefore|thus|as a result|in addition|moreover|similarly|yet|still|"
    r"nevertheless|nonetheless|instead|hence|furthermore|likewise|equally|even so|on the other hand|in contrast|"
    r"conversely|otherwise)\b",
    re.I,
)
# Of them, the ones that qualify the sentence before ("However, the BMA is concerned that this
# means ..."): quoted, that sentence brings them (neighbours.py `with_qualifications`).
CONTRASTS = re.compile(r"^\s*(?:However|But|Nevertheless|Nonetheless|Yet)\b")
# "It ..." / "They ..." opening a sentence: they name what the sentence before them in the source
# names, which need not be the sentence shown before them in an answer.
IT_OR_THEY = re.compile(r"^\s*(?:It|They)\b")
# "Another essential element was ...", "Part of this responsibility will also involve ...": one of
# several things the sentences before it named, which it does not name itself.
_ONE_OF_THEM = (
    r"another|a further|(?:part|one|some|all|much|most|each|both|many|none) of (?:this|these|those|that|them|it)"
)
REFERS_BACK = re.compile(rf"^\s*({_ONE_OF_THEM})\b", re.I)
LEANS_ON = re.compile(rf"^\s*(it|its|they|their|them|this|these|that|those|such|he|she|his|her|{_ONE_OF_THEM})\b", re.I)
# "To this end, ...", "If this is the case, ...", "These relationships ...": pointing back at the
# sentence before, which must be quoted too. ("It" and "they" usually name what an answer has just
# said; "this" and "these" rarely do.)
# Of them, "To this end, ...", "If this is the case, ..." point back at the whole statement before,
# which no reader can supply; "This audit role ..." names what it points at.
_AT_STATEMENT = r"to this end|if this is the case|in this case|as such|that way"
POINTS_BACK = re.compile(rf"^\s*({_AT_STATEMENT}|this|these|those|such|his|her)\b", re.I)
POINTS_AT_STATEMENT = re.compile(rf"^\s*({_AT_STATEMENT})\b", re.I)
# "There was some derision that this was a return to fundholding", "In practice this means ...":
# "this" standing alone as a clause's subject, a few words in, points back just as an opening
# "This" does (the sentence before is "In 2004 Practice Based Commissioning (PBC) was introduced.").
POINTS_BACK_INSIDE = re.compile(
    r"^\W*(?:[\w’'-]+\W+){1,10}?(this|these)\s+(is|was|are|were|will|would|has|had|have|may|might|can|could|"
    r"should|must|means|meant|does|did)\b",
    re.I,
)


def points_back(sentence: str) -> bool:
    """Whether `sentence` leans on the one before it for what it is about: "This ...", "If this
    is the case, ...", "... that this was a return to ...", "Another essential element ..."."""
    return bool(POINTS_BACK.match(sentence) or POINTS_BACK_INSIDE.match(sentence) or REFERS_BACK.match(sentence))


# "It is very unlikely that ...": a dummy subject, not one the sentence before names.
DUMMY_IT = re.compile(r"^\s*It(?:'s| is| was| will be| would be) (?:\w+ ){0,2}?(?:for|to|that)\b")


# "Do I have to ...?" is answered by a rule ("... should absent themselves"), "can I ...?" by a
# permission or its refusal: a sentence that states one is the yes or no.
OBLIGATION_Q = re.compile(
    r"^\s*(do|does|did|will|would)\s+(i|we|you|they|he|she|it)\s+(have|need)\s+to\b|^\s*(must|should|shall)\b", re.I
)
PERMISSION_Q = re.compile(
    r"^\s*(can|could|may|might|is it (ok|okay|possible|allowed)|(am i|are we|are you) (allowed|able|eligible))\b", re.I
)
OBLIGATION = re.compile(
    r"\b(must|should|shall|have to|has to|need to|needs to|required|requirement|obliged|expected to|mandatory)\b", re.I
)
PERMISSION = re.compile(
    r"\b(can|cannot|can't|could|may|may not|allowed|able to|unable|eligible|permitted|not possible)\b", re.I
)


# "whats the deadline for CSUs to go freestanding", "by when do we have to ...": a date is asked
# for without a "when" to open the ask.
_DEADLINE = r"\b(deadlines?|by when)\b"
NUMBER_ASKED = re.compile(
    # "what age could I end up having to work to ...?" asks for an age as "how old" does.
    r"\b(how (many|much|long|often|old)|what (year|date|percentage|proportion|age))\b"
    r"|^\s*(and |but |so )?(when|since when)\b|" + _DEADLINE,
    re.I,
)


# An ask for how something is or was done: "how did they reduce ...", "how do I ...", "what did
# they do to ...", not "how many / much / long / often".
_HOW = re.compile(
    r"^\s*(?:and |so )?(?:how\b(?! (?:many|much|long|often|old|big)\b)"
    r"|what (?:did|do|does|can|could|should) \w+(?: \w+)? do\b)",
    re.I,
)


def asks_how(question: str) -> bool:
    """Whether `question` asks how something is or was done ("How did City and Hackney reduce
    emergency admissions?"): the steps or means, which a list may give."""
    return bool(_HOW.search(question))


def asks_for_number(question: str) -> bool:
    """A count, amount or date is asked for ("how many ...", "when did ..."), judged on the
    asking sentence: "Do I have to step out when ...?" asks a yes or no."""
    return bool(NUMBER_ASKED.search(asking_sentence(question)))


# A numeral in figures or words ("211", "four", "eighteen"): what counts and durations are made of.
_NUMERAL = (
    r"(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|dozen|\w+teen)"
)
# A length of time: "for up to five years", "within 18 months", "until April 2013".
DURATION = re.compile(
    rf"\b({_NUMERAL}|an?|several|few)(\s|-)(years?|months?|weeks?|days?|hours?|minutes?|sessions?)\b|\buntil\b", re.I
)
FREQUENCY = re.compile(
    r"\b(every|each|per|a|an|once|twice)\s+(year|month|week|fortnight|day|quarter|session)\b"
    r"|\b(annually|monthly|weekly|fortnightly|daily|quarterly|yearly)\b|\btimes a\b",
    re.I,
)
# A month is a capitalised name: "who may not have experience" holds no date.
DATE = re.compile(
    r"\b(19|20)\d\d\b|\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
# A heading that is only a date: a timeline's entry ("TIMELINE AND LINKS › May 2010").
_DATE_HEADING = re.compile(
    r"((early|late|mid|spring|summer|autumn|winter)[ -])?((January|February|March|April|May|June|July|August|"
    r"September|October|November|December) )?(19|20)\d\d",
    re.I,
)


def heading_date(section: str) -> str:
    """The date a section's heading is, or "": a timeline states each entry's date in its heading
    only ("May 2010" › "Andrew Lansley becomes health secretary ..."), so an entry quoted alone
    answers "when?" with no date, or with another one ("June 2011" › "... (the deadline of April
    2013 is "relaxed")")."""
    leaf = section.rsplit(SECTION_SEP, 1)[-1].strip()
    return leaf if _DATE_HEADING.fullmatch(leaf) else ""


_KIND_ASKED = (
    (re.compile(r"\bhow long\b", re.I), DURATION),
    (re.compile(r"\bhow often\b", re.I), FREQUENCY),
    (re.compile(r"^\s*(and |but |so )?(when|since when)\b|\bwhat (year|date)\b|" + _DEADLINE, re.I), DATE),
)


def number_answer(question: str) -> re.Pattern[str]:
    """What a sentence must hold to give the number asked: a length of time for "how long", a
    frequency for "how often", a date for "when"; any number for "how many / how much". ("Four
    networks have been confirmed" is a number but does not say how long they are set up for.)"""
    asked = asking_sentence(question)
    return next((form for asks, form in _KIND_ASKED if asks.search(asked)), NUMBER)


_HOW_MANY = re.compile(r"\bhow many ((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)", re.I)
# Where the thing counted ends: "how many joint clinical pathways were developed" counts pathways.
_NOT_COUNTED = re.compile(
    r"(do|does|did|is|are|was|were|will|would|can|could|should|shall|has|have|had|must|may|might|am|be|been|get|"
    r"got|in|on|at|of|for|from|to|with|by|across|per|the|a|an|there|this|that|these|those|my|our|your|their|i|we|"
    r"you|they|he|she|it|and|or)"
)


def counted(question: str) -> re.Pattern[str] | None:
    """For "how many CCGs ...?": a number counting that thing ("only four CCGs"; the word asked
    must follow within two words, or be the bracketed acronym of the words that do: "211
    clinical commissioning groups (CCGs)", which had lost the opening to "about 20 CCGs"). The
    thing is the plural before the verb ("how many joint clinical pathways were ...": pathways)."""
    m = _HOW_MANY.search(asking_sentence(question))
    if m is None:
        return None
    words = m.group(1).lower().split()
    run = next((words[:i] for i, w in enumerate(words) if _NOT_COUNTED.fullmatch(w)), words)
    if not run:
        return None
    # The plural ("GPs" in "how many GPs sit on ..."), else the first word ("how many staff work ...").
    noun = next((w for w in reversed(run) if w.endswith("s") and not w.endswith("ss")), run[0])
    stem = noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun
    return re.compile(rf"\b{_NUMERAL}\s+((\S+\s+){{0,2}}|([A-Za-z-]+\s+){{1,5}}\(){re.escape(stem)}", re.I)


_AUXILIARY = r"do|does|did|is|are|was|were|will|would|can|could|should|shall|has|have|had|must|may|might"
# Words that open an ask: after a leading subordinate clause, the ask proper starts with one.
_ASK_WORD = rf"how|what|whats|which|when|who|whom|whose|where|why|am|{_AUXILIARY}"

_ASKS = re.compile(rf"\b({_ASK_WORD}|tell|explain|whether)\b", re.I)
_OPENING_ASK_WORD = re.compile(rf"\W*({_ASK_WORD})\b", re.I)


def question_word(text: str) -> str:
    """The question word `text` opens with, lower case ("why" for "Why GPs?"); "" for none."""
    m = _OPENING_ASK_WORD.match(text)
    return m.group(1).lower() if m else ""


def is_topic(question: str) -> bool:
    """A bare topic typed as into a search box ("fundholding", "monitor role", "CSUs?"): a word or
    two and no question word. Whoever types one wants to know what the thing is first, as for
    "what is fundholding?" (dev's 38 short messages: first sentence states a key fact 0.658 ->
    0.684; holdout-o's, unseen: 0.444 -> 0.519; nothing else moved)."""
    return not _ASKS.search(question) and 0 < len(terms(question)) <= 2


def asks_what_it_is(question: str) -> bool:
    """ "What is X?", "what does X do?", or X alone: answered first by what X is."""
    return bool(DEFINITION_Q.search(question)) or is_topic(question)


# "When the board discusses our CCG, should I stay in the room?", "If I join, can I still refer?":
# a clause setting the scene, then the ask. Its "when" asks for no date. ("When does it start?"
# is a question: an auxiliary follows "when" directly.)
_SCENE = rf"^\s*(?:when|whenever|once|while|before|after|if)\s+(?!(?:{_AUXILIARY})\b)"
SUBORDINATE = re.compile(_SCENE, re.I)
# Its end: a comma before the ask, or (the comma dropped, as chat does) an auxiliary before a
# pronoun ("... ready for authorisation should I stay?").
_LEADING_CLAUSE = re.compile(
    rf"{_SCENE}[^,?]*?(?:,\s+(?=(?:{_ASK_WORD})\b)|\s+(?=(?:{_AUXILIARY})\s+(?:i|we|you|they|he|she|it)\b))",
    re.I,
)


def asking_sentence(question: str) -> str:
    """The sentence of a message that asks ("I sit on the board. Do I have to ...?" → the second),
    from its ask proper: a leading clause that sets the scene ("When the board discusses our
    CCG, should I ...?") says nothing of what kind of answer is wanted."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", question.strip()) if s]
    sentence = next((s for s in sentences if s.rstrip().endswith("?")), question)
    return _LEADING_CLAUSE.sub("", sentence, count=1)


# "Did GPs hold the budget or not?", "is the seat paid?": a yes or no, though it names a budget or
# pay; only a question with no question word whose verb comes within its first few words.
_YES_NO = re.compile(
    r"^\s*(?:[\w'’-]+\s+){0,3}?(do|does|did|is|are|was|were|can|could|will|would|should|shall|has|have|had|"
    r"must|may|might|r(?=\s+(?:we|u|you|they|there|i)\b))\b",  # "r we obliged to ...?": "are"
    re.I,
)
_WH = re.compile(r"\b(how|what|whats|which|when|who|whom|whose|where|why)\b", re.I)


# "what about SAS doctors?", "how about in Wales?", "same for a salaried GP?": an ellipsis, which
# keeps the question it carries on from and changes its subject.
_ELLIPSIS = re.compile(r"^\s*(?:(?:and|but|so|ok|okay)\s+)?(?:what about|how about|what else|same for)\b", re.I)


def kind_of_ask(ask: str, folded: str) -> str:
    """The text to read the kind of answer wanted from (a number, a list, a yes or no, what a
    thing is): `ask` itself when it asks a question of its own, `folded` (the ask with the words
    it borrows from the ask or turn before it) for an ellipsis or an ask with no question word.
    "who chairs it?" after "what is a health and wellbeing board?" wants a name, not a
    definition; "how many are there" folded with "whats a clinical senate" wants a number."""
    if not ask or _ELLIPSIS.match(ask):
        return folded
    return ask if _WH.search(ask) or _YES_NO.match(ask) else folded


def asks_yes_or_no(question: str) -> bool:
    """Whether the question asks a yes or no (judged on its asking sentence)."""
    sentence = asking_sentence(question)
    return bool(_YES_NO.match(sentence)) and not _WH.search(sentence)


def rule_asked(question: str) -> re.Pattern[str] | None:
    if OBLIGATION_Q.search(question):
        return OBLIGATION
    if PERMISSION_Q.search(question):
        return PERMISSION
    return None


# "How are A, B and C different?", "A vs B", "is A the same as B?": each thing compared is
# answered by what it is.
COMPARISON_Q = re.compile(
    r"\b(differences?|differ|different|diffs?|distinguish|vs\.?|versus|compared? (to|with)|same as"
    r"|muddle|mix(ing)? up|confus(e|ed|ing))\b",
    re.I,
)


def defined_subject(sentence: str, asked: set[str]) -> frozenset[str]:
    """ "Patient experience is about ...": the words of what the sentence defines, when that is
    one of the things asked about (most of the words before its verb are the question's); else
    empty."""
    m = DEFINES.search(sentence)
    if m is None:
        return frozenset()
    subject = frozenset(terms(sentence[: m.start()]))
    return subject if subject and len(subject) <= 4 and len(subject & asked) * 2 >= len(subject) else frozenset()


def defines_one_of(sentence: str, asked: set[str]) -> bool:
    return bool(defined_subject(sentence, asked))


def defines(sentence: str, asked: set[str], whole: bool = False) -> bool:
    """ "A health and wellbeing board is ...": the words before the verb name what was asked.
    A passive ("Health and wellbeing boards are aligned with each upper tier local authority")
    says what is done to them, not what they are. `whole`: the words before the verb are the
    name and little else ("Commissioning support encompasses ..." for "commissioning support
    unit", not "NHS England (formerly the NHS Commissioning Board) is ...")."""
    m = DEFINES.search(sentence)
    if m is None or not asked:
        return False
    if _PASSIVE.match(sentence, m.end()):
        return False
    # "The customers of the Commissioning Support Units will be the GPCC": the customers are
    # defined, not the units. ("The value / role / purpose of health and wellbeing boards will
    # be ..." says what the boards are for.)
    other = _OF_ANOTHER.match(sentence[: m.start()])
    if other is not None and not set(terms(other.group(1))) & asked and not _WHAT_IT_DOES.match(other.group(1)):
        return False
    subject = set(terms(sentence[: m.start()]))
    if whole and len(asked & subject) * 2 < len(subject):
        return False
    return len(asked & subject) >= max(1, len(asked) // 2)


_OF_ANOTHER = re.compile(r"^\s*(?:the|a|an)?\s*([a-z]+)\s+of\b", re.I)
_WHAT_IT_DOES = re.compile(
    r"(?:value|role|roles|purpose|function|functions|job|aim|aims|task|tasks|remit|duty|duties|"
    r"responsibility|responsibilities)$",
    re.I,
)


_PASSIVE = re.compile(r"\s+(?:not\s+)?(?:\w+ly\s+)?\w+ed\b", re.I)


# "can u explain in 2 lines", "briefly, what is a CSU?", "tl;dr": the writer asks for a short
# answer. The number of sentences it allows: as many as named, else two.
_BRIEF = re.compile(
    r"\b(?:briefly|in brief|in short|in a nutshell|tl;?dr|(?:a )?short answer|(?:a )?quick answer|"
    r"in (?P<n>one|a|1|two|2|three|3|a few) (?:short )?(?:lines?|sentences?))\b",
    re.I,
)
_BRIEF_COUNT = {"one": 1, "a": 1, "1": 1, "two": 2, "2": 2, "three": 3, "3": 3, "a few": 3}
BRIEF_SENTENCES = 2


def asked_brevity(question: str) -> int | None:
    """How many sentences the writer asks the answer to take, or None when they do not say."""
    m = _BRIEF.search(question)
    if m is None:
        return None
    return _BRIEF_COUNT.get((m.group("n") or "").lower(), BRIEF_SENTENCES)
