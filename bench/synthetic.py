"""Synthetic guidance corpora for the scale benchmark (bench/scale.py).

A corpus of size N× holds the five real documents (so the development set still applies) and
5·(N−1) generated ones of about the same length. A generated document is markdown: a title,
sections with guidance-like headings, paragraphs. Its sentences are of two kinds:

- about one in six (REWRITTEN) are the real documents' sentences, recombined across documents and
  sections and rewritten: names, places, numbers and years replaced, domain words swapped for
  synonyms; never a verbatim copy of a section. (At 100× each real sentence then has about a
  dozen rewritten near-copies elsewhere: hard distractors for the development set, which is the
  point, but not so many that the benchmark measures little else. An earlier mix of one in
  three gave dev hit@5 0.918 at 10× against 0.963 at 1×.)
- the rest come from templates over a domain lexicon (who should do what, by when, where, at
  what cost), with generated place and organisation names, so the vocabulary grows with the
  corpus as a real collection's does.

Deterministic for a given size and seed. Run alone: python bench/synthetic.py 10 /tmp/corpus-10x
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpus"


def _items(text: str) -> list[str]:
    return text.split("|")


SPECIALTIES = _items(
    "cardiology|dermatology|gastroenterology|gynaecology|haematology|neurology|oncology|ophthalmology|"
    "orthopaedics|paediatrics|psychiatry|rheumatology|urology|respiratory medicine|diabetes care|"
    "renal medicine|geriatric medicine|palliative care|sexual health|audiology|podiatry|stroke care|"
    "maternity services|mental health|physiotherapy|endocrinology|infectious diseases|vascular surgery|"
    "ENT services|dental services|pharmacy services"
)
SERVICES = _items(
    "out-of-hours care|community nursing|hospital discharge|urgent treatment centres|social prescribing|"
    "musculoskeletal triage|anticoagulation clinics|falls prevention|weight management|smoking cessation|"
    "cancer screening|memory assessment|wound care|continence services|child health surveillance|"
    "minor injuries units|domiciliary care|end-of-life care|learning disability health checks|"
    "advice and guidance|virtual wards|medicines optimisation|phlebotomy|cardiac rehabilitation|"
    "pulmonary rehabilitation|talking therapies|eating disorder services|perinatal mental health|"
    "diagnostic imaging|referral management"
)
BODIES = _items(
    "integrated care board|clinical commissioning group|primary care network|health and wellbeing board|"
    "local medical committee|commissioning support unit|acute trust|community trust|mental health trust|"
    "clinical senate|strategic clinical network|local authority|public health team|practice council|"
    "locality board|provider collaborative|regional team|joint committee"
)
ROLES = _items(
    "GPs|consultants|SAS doctors|practice managers|nurse practitioners|pharmacists|clinical leads|"
    "medical directors|accountable officers|commissioners|board members|trainees|locum doctors|"
    "patient representatives|finance directors|public health consultants"
)
VERBS = _items(
    "should review|must agree|will publish|may delegate|needs to approve|is expected to monitor|"
    "can commission|should audit|will consult on|must report on|is responsible for|should redesign|"
    "will fund|may decommission|should benchmark|will tender|is accountable for|should evaluate"
)
OBJECTS = _items(
    "the referral pathway for {sp}|a business case for {sv}|the annual budget for {sv}|"
    "waiting times in {sp}|the contract with the {body}|quality indicators for {sv}|"
    "a clinical protocol for {sp}|outcomes data from {place}|the tender for {sv}|"
    "conflicts of interest in the {body}|the workforce plan for {sp}|patient feedback on {sv}|"
    "prescribing costs in {sp}|the service specification for {sv}|a pilot of {sv} in {place}"
)
TAILS = _items(
    "by {month} {year}|before the next financial year|within {n} weeks|in {place}|"
    "with the {body}|after consulting {role}|at a cost of £{n}m|for a population of {k},000|"
    "across {n} practices|as agreed with the {body}|from {year} onwards|each quarter"
)
HEADINGS = _items(
    "How {role} get involved in {sv}|What the {body} decides about {sp}|{sv}: what {role} need to know|"
    "Funding {sv} in {place}|Who is accountable for {sp}?|Contracts and tenders for {sv}|"
    "Quality and outcomes in {sp}|Case study: {sv} in {place}|Frequently asked questions about {sv}|"
    "Governance of the {body}|Timeline for {sp} redesign|Conflicts of interest for {role}|"
    "Working with the {body}|Pensions and employment for {role}|Training and development for {role}"
)
TITLES = _items(
    "Guide to {sv} for {role}|Commissioning {sp} in {place}|The {body} handbook ({place})|"
    "Briefing: {sv} and the {body}|Practical guidance on {sp} for {role}|{place} {sv} framework|"
    "Annual report on {sp} commissioning ({place})|Toolkit for {role}: {sv}"
)
PUBLISHERS = _items(
    "BMA|BMJ Group|NHS England|NHS Confederation|Royal College of General Practitioners|King's Fund|"
    "Nuffield Trust|Health Foundation|Local Government Association|NHS Providers"
)
MONTHS = _items("January|February|March|April|May|June|July|August|September|October|November|December")
# Domain words and the words a rewrite may use instead.
SYNONYMS = {
    "CCG": ["ICB", "locality board", "commissioning group"],
    "CCGs": ["ICBs", "locality boards", "commissioning groups"],
    "consortium": ["partnership", "collaborative", "alliance"],
    "consortiums": ["partnerships", "collaboratives", "alliances"],
    "GP": ["family doctor", "general practitioner", "practice doctor"],
    "GPs": ["family doctors", "general practitioners", "practice doctors"],
    "commissioning": ["planning", "purchasing", "contracting"],
    "patients": ["service users", "residents", "people"],
    "hospital": ["acute trust", "infirmary", "medical centre"],
    "board": ["committee", "governing body", "panel"],
    "budget": ["allocation", "funding envelope", "spend"],
    "services": ["provision", "programmes", "care"],
    "doctors": ["clinicians", "medical staff", "practitioners"],
    "practice": ["surgery", "health centre", "clinic"],
    "practices": ["surgeries", "health centres", "clinics"],
    "PCT": ["health authority", "area team", "district board"],
    "PCTs": ["health authorities", "area teams", "district boards"],
    "NHS": ["health service", "NHS", "public health system"],
    "local": ["regional", "area", "neighbourhood"],
    "clinical": ["medical", "clinical", "care"],
    "quality": ["standards", "quality", "outcomes"],
}
REWRITTEN = 0.15  # share of a generated document's sentences that are rewritten real ones
SYLLABLES = _items(
    "ash|bar|bel|brook|bur|by|caster|ches|combe|dale|den|don|field|ford|gate|ham|hurst|ing|ley|"
    "lin|mar|mere|mouth|ney|nor|on|pen|ridge|stead|stoke|ton|well|wick|win|wood|worth"
)


@dataclass(frozen=True)
class Pools:
    headings: list[str]
    sentences: list[str]


def real_pools() -> Pools:
    """Headings and sentences of the five real documents, via the project's own loaders."""
    sys.path.insert(0, str(ROOT))
    from assistant.retrieval.sentences import split_sentences
    from assistant.settings import Settings
    from ingest.bounded import Limits, run_job
    from ingest.manifest import discover, load_manifest

    manifest = load_manifest(REAL, REAL / "manifest.toml")
    limits = Limits.from_settings(Settings())
    heads: set[str] = set()
    sentences: list[str] = []
    for path in discover(REAL):
        for c in run_job((path, manifest.documents[path.name], "pool"), limits):
            heads.add(c.section.split(" › ")[-1])
            sentences += [c.text[a:b] for a, b in split_sentences(c.text)]
    return Pools(sorted(h for h in heads if len(h) > 3), [s for s in sentences if len(s.split()) >= 6])


class Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def place(self) -> str:
        r = self.rng
        return "".join(r.choice(SYLLABLES) for _ in range(r.choice((2, 2, 3)))).capitalize()

    def fill(self, template: str, ctx: dict[str, str]) -> str:
        r = self.rng
        values = {
            "sp": r.choice(SPECIALTIES),
            "sv": r.choice(SERVICES),
            "body": r.choice(BODIES),
            "role": r.choice(ROLES),
            "place": r.choice([ctx["place"], ctx["place"], self.place()]),
            "month": r.choice(MONTHS),
            "year": str(r.randint(2008, 2026)),
            "n": str(r.randint(2, 60)),
            "k": str(r.randint(20, 900)),
        }
        return template.format(**values)

    def template_sentence(self, ctx: dict[str, str]) -> str:
        r = self.rng
        who = r.choice(
            [
                "The " + r.choice(BODIES),
                r.choice(ROLES).capitalize(),
                "Each " + r.choice(["practice", "trust", "locality", "network", "board"]),
                f"The {ctx['place']} " + r.choice(BODIES),
            ]
        )
        parts = [who, r.choice(VERBS), self.fill(r.choice(OBJECTS), ctx)]
        for _ in range(r.choice((0, 1, 1, 2))):
            parts.append(self.fill(r.choice(TAILS), ctx))
        return " ".join(parts) + "."

    def rewrite(self, sentence: str, ctx: dict[str, str]) -> str:
        """A real sentence with its entities and numbers replaced and some words swapped."""
        r = self.rng
        out = re.sub(r"\b(19|20)\d\d\b", lambda m: str(r.randint(2008, 2026)), sentence)
        out = re.sub(r"£\d+(\.\d+)?\s*(bn|m|million|billion)?", lambda m: f"£{r.randint(2, 90)}m", out)
        out = re.sub(r"\b\d{2,}\b", lambda m: str(r.randint(10, 999)), out)
        # Names of people and places (two capitalised words, not at the start) become others.
        out = re.sub(
            r"(?<=[\w(] )([A-Z][a-z]+ [A-Z][a-z]+)|(?<=\()([A-Z][a-z]+ [A-Z][a-z]+)",
            lambda m: f"{self.place()} {r.choice(['Trust', 'Council', 'Partnership', 'Network'])}",
            out,
        )
        words = out.split(" ")
        for i, w in enumerate(words):
            core = w.strip(".,;:?!()“”\"'")
            if core in SYNONYMS and r.random() < 0.7:
                words[i] = w.replace(core, r.choice(SYNONYMS[core]))
        if r.random() < 0.5:
            words.insert(r.randint(1, max(1, len(words) - 1)), f"in {ctx['place']}")
        text = " ".join(words)
        if r.random() < 0.4:
            text = text.rstrip(".") + ", " + self.fill(r.choice(TAILS), ctx) + "."
        return text

    def heading(self, pools: Pools, ctx: dict[str, str]) -> str:
        r = self.rng
        if r.random() < 0.35:
            return self.rewrite(r.choice(pools.headings), ctx).rstrip(".")
        return self.fill(r.choice(HEADINGS), ctx)


def document(rng: random.Random, pools: Pools, words: int = 2600) -> tuple[str, str]:
    """(title, markdown) of one generated document of about `words` words."""
    w = Writer(rng)
    ctx = {"place": w.place()}
    title = w.fill(rng.choice(TITLES), ctx)
    lines = [f"# {title}", ""]
    count = 0
    while count < words:
        lines += [f"## {w.heading(pools, ctx)}", ""]
        for _ in range(rng.randint(2, 5)):
            sentences = [
                w.rewrite(rng.choice(pools.sentences), ctx) if rng.random() < REWRITTEN else w.template_sentence(ctx)
                for _ in range(rng.randint(2, 6))
            ]
            para = " ".join(sentences)
            count += len(para.split())
            lines += [para, ""]
    return title, "\n".join(lines)


def _toml(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(size: int, out: Path, seed: int = 7, pools: Pools | None = None) -> int:
    """Write a corpus of `size`× the real one into `out` (replaced); returns its document count."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for path in REAL.iterdir():
        if path.is_file():
            shutil.copy2(path, out / path.name)
    manifest = [(REAL / "manifest.toml").read_text(encoding="utf-8").rstrip(), ""]
    pools = pools or real_pools()
    for i in range(5 * (size - 1)):
        rng = random.Random(f"{seed}-{i}")
        title, text = document(rng, pools)
        name = f"synth-{i:05d}.md"
        (out / name).write_text(text + "\n", encoding="utf-8")
        manifest += [
            "[[document]]",
            f'id = "synth-{i:05d}"',
            f'file = "{name}"',
            f"title = {_toml(title)}",
            f"publisher = {_toml(rng.choice(PUBLISHERS))}",
            'audience = "Doctors in England"',
            f'published = "{rng.randint(2008, 2025)}-{rng.randint(1, 12):02d}"',
            "",
        ]
    (out / "manifest.toml").write_text("\n".join(manifest), encoding="utf-8")
    return 5 * size


def sample(n: int = 3) -> Sequence[str]:
    pools = real_pools()
    return [document(random.Random(i), pools, words=120)[1] for i in range(n)]


if __name__ == "__main__":
    docs = build(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{docs} documents in {sys.argv[2]}")
