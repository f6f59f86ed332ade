"""The bundled salvage cryoablation bank and document meet the content bar."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import textstat

from quizapp.domain import bankload, documents

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "questions" / "salvage-prostate-cryoablation.yaml"
DOCUMENT = ROOT / "questions" / "documents" / "salvage-prostate-cryoablation.md"
SEED = ROOT.parent / "shared" / "seeds" / "000_3f8c8241accd99f4.txt"


def spec():
    loaded = bankload.load(BANK)
    assert loaded.errors == [], loaded.errors
    return loaded.specs[0]


def test_at_least_30_approved_questions_over_5_topics_with_4_each():
    bank = spec()
    approved = [q for q in bank.questions if q.status == "approved"]
    assert len(approved) >= 30
    per_topic = Counter(q.topic for q in approved)
    assert len(per_topic) >= 5 and min(per_topic.values()) >= 4
    assert {q.kind for q in approved} == {"single", "truefalse", "multi"}


def test_every_question_teaches_from_a_verbatim_excerpt_with_feedback_on_wrong_choices():
    bank = spec()
    for q in bank.questions:
        assert documents.contains_excerpt(bank.document_text, q.source_excerpt), q.key
        assert q.explanation, q.key
        assert all(c.feedback for c in q.choices if not c.correct), q.key
        assert not re.search(r"\b(NOT|EXCEPT)\b", q.stem), q.key


def test_real_alternatives_are_never_wrong_answers_to_which_are_other_options():
    alternatives = ("radiation", "prostatectomy", "hormonal")
    for q in spec().questions:
        if "other" in q.stem.lower() and (
            "option" in q.stem.lower() or "treatment" in q.stem.lower()
        ):
            for c in q.choices:
                if any(a in c.text.lower() for a in alternatives):
                    assert c.correct, f"{q.key}: {c.text} is a real alternative"


def test_document_reads_at_grade_8_or_lower_and_names_its_source():
    text = DOCUMENT.read_text()
    document = documents.parse(text)
    assert textstat.flesch_kincaid_grade(document.plain) <= 8
    assert (
        document.source.startswith("Source: Cleveland Clinic") and "07/31/2017" in document.source
    )
    assert len(document.sections) >= 5


def test_document_keeps_the_facts_of_the_source():
    text = DOCUMENT.read_text().lower()
    for fact in (
        "walnut",
        "bladder",
        "rectum",
        "urethra",
        "radiation",
        "outpatient",
        "minimally invasive",
        "incontinence",
        "erectile dysfunction",
        "will not cure",
        "life expectancy",
        "aggressive",
        "stage",
        "save",
        "extreme cold",
    ):
        assert fact in text, fact


def test_no_sentence_of_the_source_page_is_copied():
    words = lambda s: re.findall(r"[a-z0-9']+", s.lower().replace("\u2019", "'"))  # noqa: E731
    seed = words(SEED.read_text())
    grams = {" ".join(seed[i : i + 12]) for i in range(len(seed) - 11)}
    for path in (BANK, DOCUMENT):
        ours = words(path.read_text())
        copied = [" ".join(ours[i : i + 12]) for i in range(len(ours) - 11)]
        assert not [g for g in copied if g in grams], path.name
