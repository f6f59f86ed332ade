"""Every sentence a patient can read in our templates and messages reads at grade 8 or lower."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizapp import errors
from quizapp.domain.readability import MAX_GRADE, grade
from quizapp.operations import quiz as quiz_ops
from quizapp.patient import access, doctor_questions

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PATIENT_TEMPLATES = [
    *sorted((TEMPLATES / "patient").glob("*.html")),
    TEMPLATES / "base.html",
    TEMPLATES / "errors" / "error.html",
    TEMPLATES / "auth" / "index.html",
]
JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.S)
TAGS = re.compile(r"<[^>]+>")


def sentences(text: str) -> list[str]:
    """Sentences of at least three words from template or message text."""
    text = TAGS.sub(" ", JINJA.sub(" ", text))
    parts = re.split(r"(?<=[.?!])\s+|\n", text)
    return [" ".join(p.split()) for p in parts if len(p.split()) >= 3]


def patient_messages() -> list[str]:
    messages = [
        access.CODE_NOT_FOUND,
        access.CODE_EXPIRED,
        access.CODE_REVOKED,
        doctor_questions.ALWAYS,
    ]
    for title, advice in errors.MESSAGES.values():
        messages += [title, advice]
    source = Path(quiz_ops.__file__).read_text()
    messages += re.findall(r'(?:QuizError|RoundClosed)\(\s*"([^"]+)"', source)
    return messages


CASES = [
    (f"{path.relative_to(TEMPLATES)}", sentence)
    for path in PATIENT_TEMPLATES
    for sentence in sentences(path.read_text())
] + [("message", sentence) for message in patient_messages() for sentence in sentences(message)]


def test_the_check_finds_the_patient_text():
    assert len(CASES) > 40
    assert any("You were away for a while" in s for _, s in CASES)
    assert any("This round is over" in s for _, s in CASES)


@pytest.mark.parametrize("where, sentence", CASES, ids=[f"{w}:{s[:30]}" for w, s in CASES])
def test_sentence_reads_at_grade_8_or_lower(where, sentence):
    level = grade(sentence)
    assert level is None or level <= MAX_GRADE, f"{where}: grade {level}: {sentence}"
