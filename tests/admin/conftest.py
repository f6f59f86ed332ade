"""Fixtures of the admin bank editor tests: a signed-in administrator and a small bank."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp.domain.bankfile import BankSpec, ChoiceSpec, QuestionSpec, TopicSpec
from quizapp.models import Bank, Question
from quizapp.operations import banks as bank_ops

DOCUMENT = """# Freezing treatment guide

## What it is

Cryoablation freezes the tissue. The doctor uses thin needles to reach it.

## Other options

Radiation therapy is another option. Surgery is another option.

Source: a test page, reviewed January 2026.
"""

QUESTIONS = (
    QuestionSpec(
        key="what-freeze",
        topic="what",
        kind="single",
        stem="What does the treatment do to the tissue?",
        choices=(
            ChoiceSpec("It freezes it.", True),
            ChoiceSpec("It heats it.", feedback="It does not heat it. It freezes it."),
            ChoiceSpec("It cuts it out.", feedback="Nothing is cut out. It freezes it."),
        ),
        source_excerpt="Cryoablation freezes the tissue.",
        explanation="The treatment freezes the tissue.",
        status="approved",
    ),
    QuestionSpec(
        key="what-needles",
        topic="what",
        kind="truefalse",
        stem="The doctor uses thin needles.",
        choices=(ChoiceSpec("True", True), ChoiceSpec("False")),
        source_excerpt="The doctor uses thin needles to reach it.",
        explanation="Thin needles reach the tissue.",
        status="draft",
    ),
    QuestionSpec(
        key="options-other",
        topic="options",
        kind="multi",
        stem="Which are other options? Select all that apply.",
        choices=(
            ChoiceSpec("Radiation therapy", True),
            ChoiceSpec("Surgery", True),
            ChoiceSpec("Rest alone", feedback="Rest is not named as an option."),
        ),
        source_excerpt="Radiation therapy is another option.",
        explanation="Radiation therapy and surgery are other options.",
        status="retired",
    ),
)

SPEC = BankSpec(
    slug="freezing",
    title="Freezing treatment",
    document="documents/freezing.md",
    document_text=DOCUMENT,
    topics=(
        TopicSpec("what", "What the treatment is", "what-it-is"),
        TopicSpec("options", "Other options", "other-options"),
    ),
    questions=QUESTIONS,
)


@pytest.fixture
def admin(make_user):
    return make_user("admin", email="admin@example.org")


@pytest.fixture
def admin_client(client, admin, login):
    """The test client, signed in as an administrator."""
    assert login(client, admin).status_code == 302
    return client


@pytest.fixture
def bank(dbs) -> Bank:
    """A small imported bank: one approved, one draft and one retired question."""
    bank = bank_ops.import_bank(dbs, SPEC, bank_ops.ImportReport())
    dbs.commit()
    return bank


@pytest.fixture
def question_id(dbs, bank):
    """Look up a question's id by key."""

    def find(key: str) -> int:
        return dbs.scalar(sa.select(Question.id).where(Question.key == key))

    return find
