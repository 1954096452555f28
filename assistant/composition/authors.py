"""Who wrote a passage: the signature that closes the piece it belongs to.

The BMJ guide is a collection of signed pieces: each ends with its writer's name and role on a
line of its own ("Kate Adams, London GP", "Zana Khan, locum GP and clinical editor, BMJ
Learning"). Quoted alone, a first-person sentence from one of them ("Through our work in City and
Hackney for 2010-2011, there was a 4% reduction ...", "Getting involved in GP commissioning has
given me an opportunity ...") reads as the guidance's own voice, or as policy, when it is one
doctor's account. Such a sentence is shown with its writer, as an interview's turn is shown with
its speaker (speakers.py).

A sentence's signature is the first one after it, in its passage or in the passages that follow
in the same top-level section: a piece's subsections ("Quick wins › 4. Reducing outpatient
activity") are signed once, at its end, and a passage may hold one piece's end and the next's
start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..retrieval.index import LoadedIndex
from ..retrieval.sentence_kinds import CONNECTIVE
from ..types import SECTION_SEP, Chunk

# "Kate Adams, London GP", "Andy Blake, head, BMA pensions department", "John D, consultant
# anaesthetist, doc2doc", "Dr_T, gastroenterology ST6, doc2doc": a name of up to three words, a
# comma, and a role naming a job; the line holds nothing else, and no sentence ends in it. (An
# unread signature would hand its piece to the next writer who signs: see _UNREAD.)
SIGNATURE = re.compile(
    r"^[ \t]*(?P<name>[A-Z][\w'’-]*(?: [A-Z][\w'’.-]*){0,2}), (?P<role>(?:(?!\. [A-Z])[^\n]){2,200}?)[ \t]*$",
    re.M,
)
_ROLE_WORD = re.compile(
    r"\b(GP|GPs|editor|chair|chief|consultant|doctor|director|head|lead|manager|officer|professor|"
    r"registrar|partner|champion|adviser|advisor|fellow|anaesthetist|physician|surgeon|team|ST\d|FY\d|trainee|"
    r"nurse|secretary|executive)\b",
    re.I,
)
# A line opening with a name, a comma and a lower-case word that SIGNATURE cannot read: the PDF's
# text ran a signature on into the next box ("Peter Lapsley, patient editor, BMJ keep taking my
# tablets. ..."). It ends a piece whose writer is unknown: the sentences before it are nobody's,
# rather than the next signature's (they had been labelled with the next writer's name).
_UNREAD = re.compile(r"^[ \t]*[A-Z][a-z][\w'’-]*(?: [A-Z][a-z][\w'’.-]*){1,2}, [a-z]", re.M)
# A quoted work's credit closes it as a signature does: 'From "Andrew Lansley Rap" by MC NxtGen'.
CREDIT = re.compile(r"^[ \t]*From (?P<work>.{2,80}?) by (?P<name>[^\n]{2,60}?)[ \t]*$", re.M)
# The writer speaking as themselves or for their own practice, consortium or team.
FIRST_PERSON = re.compile(r"\b(I|I'm|I’m|I've|I’ve|I'd|I’d)\b|\b(?i:me|my|we|we're|we’re|we've|we’ve|our|us)\b")
# How far on from a passage its piece's signature is looked for (rows, same document).
REACH = 20


def is_signature(line: str) -> bool:
    """Whether `line` is a writer's signature or a work's credit, and nothing else: "Kate Adams,
    London GP". It names who wrote the piece and says nothing of what it says."""
    found = _signatures(line.strip())
    return bool(found) and found[0][0] == 0 and bool(found[0][1])


# Words in a writer's name that name no one in particular.
_NOT_NAMES = frozenset({"dr", "mr", "mrs", "ms", "the", "and"})


def writer_names(label: str) -> set[str]:
    """The words of a writer's label that name them: "Kate Adams (London GP):" → kate, adams."""
    name = label.split(" (", 1)[0]
    return {w.lower() for w in re.findall(r"[A-Za-z][a-z'’]{2,}", name)} - _NOT_NAMES


def named_writers(question: str, labels: Sequence[str]) -> set[str]:
    """The writers (by label) whom `question` names: "what does Abi Berger say is the one thing
    to do?", "paul zollinger read's starter for five"; or, asking what someone said, by a word
    of their role that no other writer's has: "what were the paediatric trainee's worries?"
    (Sarah Jones, paediatrics ST1), "what did the anaesthetist think?"."""
    asked = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", question)}
    # One word of a name is enough only where it is written as a name: "read" is also a verb.
    capitalised = {w.lower() for w in re.findall(r"(?<![.?!]\s)(?<!^)\b[A-Z][a-z]{2,}", question.strip())}
    out = set()
    for label in labels:
        found = asked & writer_names(label) if label else set()
        if len(found) >= 2 or found & capitalised:
            out.add(label)
    if out or not _REPORTING.search(question):
        return out
    roles = {label: _role_words(label) for label in labels if label}
    for label, words in roles.items():
        own = words - set().union(*(w for other, w in roles.items() if other != label))
        if any(_same_stem(a, w) for a in asked for w in own):
            out.add(label)
    return out


# An ask about what someone said, thought or wrote: where a role word names the writer.
_REPORTING = re.compile(
    r"\b(say|says|said|saying|think|thinks|thought|worr\w*|fear\w*|hope\w*|concern\w*|view\w*|opinion\w*|"
    r"wrote|write|writes|argue\w*|feel|feels|felt|suggest\w*|recommend\w*|advi[sc]e\w*|according)\b",
    re.I,
)
# Words of a writer's role that name no one in particular.
_COMMON_ROLE = frozenset(
    """
    editor consultant london former deputy director commissioning clinical development medical advisor
    adviser associate partner champion support department executive group honorary fellow college
    university hospital general practitioners england royal chair cluster
    """.split()  # noqa: SIM905
)


def _role_words(label: str) -> set[str]:
    """The words of a writer's role, in its brackets, long enough to name a speciality or a
    field: "Sarah Jones (paediatrics ST1, West Midlands):" → paediatrics, midlands."""
    inside = label[label.find("(") + 1 : label.rfind(")")]
    return {w.lower() for w in re.findall(r"[A-Za-z]{6,}", inside)} - _COMMON_ROLE


def _same_stem(a: str, b: str) -> bool:
    """ "paediatric" and "paediatrics", "gastro" and "gastroenterology", "pension" and "pensions"."""
    shorter = min(len(a), len(b))
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), shorter)
    return shorter >= 6 and common >= max(6, shorter - 2)


def _signatures(text: str) -> list[tuple[int, str]]:
    """Each signature line in `text`: (where it starts, its label "Kate Adams (London GP):"), in
    order; a credit's label is its writer and work ("MC NxtGen (“Andrew Lansley Rap”):"); a line
    that looks like a signature but cannot be read as one, "" (no writer named)."""
    found = [
        (m.start(), f"{m.group('name')} ({m.group('role').rstrip('.')}):")
        for m in SIGNATURE.finditer(text)
        # "However, in certain urban settings salaried and sessional GPs form the majority ...":
        # a sentence whose opening word and comma look like a name and its role.
        if _ROLE_WORD.search(m.group("role")) and not CONNECTIVE.match(m.group("name"))
    ]
    found += [(m.start(), f"{m.group('name')} ({m.group('work')}):") for m in CREDIT.finditer(text)]
    read = {start for start, _ in found}
    found += [(m.start(), "") for m in _UNREAD.finditer(text) if m.start() not in read]
    return sorted(found)


def _signed_later(chunk: Chunk, index: LoadedIndex) -> str:
    """The first signature after `chunk`, in the passages that follow it in its piece, or ""."""
    piece = chunk.section.split(SECTION_SEP)[0]
    following = sorted((c for c in index.around(chunk, REACH) if c.position > chunk.position), key=lambda c: c.position)
    for near in following:
        if near.section.split(SECTION_SEP)[0] != piece:
            return ""
        found = _signatures(near.text)
        if found:
            return found[0][1]
    return ""


def signers(chunk: Chunk, sentences: Sequence[str], index: LoadedIndex) -> list[str]:
    """For each of `chunk`'s sentences, the label of the writer who signs it: the first signature
    after it, in the passage or in those that follow in its piece ("" when none). A passage may
    hold the end of one signed piece and the start of the next."""
    own = _signatures(chunk.text)
    later: str | None = None
    out: list[str] = []
    cursor = 0
    for sentence in sentences:
        at = chunk.text.find(sentence[:40], cursor)
        at = cursor if at < 0 else at
        cursor = at
        label = next((lab for start, lab in own if start >= at), None)
        if label is None:
            if later is None:
                later = _signed_later(chunk, index)
            label = later
        out.append(label)
    return out


def first_person(sentence: str) -> bool:
    """Whether `sentence` speaks in the first person ("I", "we", "our", "me")."""
    return bool(FIRST_PERSON.search(sentence))
