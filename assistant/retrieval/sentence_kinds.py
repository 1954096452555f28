"""What kind of sentence a source sentence is: a statement that can stand alone, a question the
source asks, a byline, a list item, a pointer to another page, one that leans on the sentence
before it, one that defines what was asked or states a rule, a date or a length of time. The
composer reads these to choose the sentences of an answer and the one that opens it; ingest
reads them to split and label passages."""

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


# "One of the first ...", "no one", "the one": a pronoun, not a count.
NUMBER = re.compile(
    r"\d|(?<!\bno )(?<!\bthe )\bone\b(?! of\b)"
    r"|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|half|quarter|dozen)\b|\b\w+teen\b",
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


# "It is very unlikely that ...": a dummy subject, not one the sentence before names. ("It will be
# responsible for:" is NHS England, named the sentence before: a body is responsible or
# accountable for something, a dummy "it" never is.)
DUMMY_IT = re.compile(
    r"^\s*It(?:'s| is| was| will be| would be) "
    r"(?!(?:\w+ )?(?:responsible|accountable|answerable|liable|eligible)\b)(?:\w+ ){0,2}?(?:for|to|that)\b"
)

OBLIGATION = re.compile(
    r"\b(must|should|shall|have to|has to|need to|needs to|required|requirement|obliged|expected to|mandatory)\b", re.I
)
PERMISSION = re.compile(
    r"\b(can|cannot|can't|could|may|may not|allowed|able to|unable|eligible|permitted|not possible)\b", re.I
)

# A numeral in figures or words ("211", "four", "eighteen"): what counts and durations are made of.
NUMERAL = (
    r"(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|dozen|\w+teen)"
)
# A length of time: "for up to five years", "within 18 months", "until April 2013".
DURATION = re.compile(
    rf"\b({NUMERAL}|an?|several|few)(\s|-)(years?|months?|weeks?|days?|hours?|minutes?|sessions?)\b|\buntil\b", re.I
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
