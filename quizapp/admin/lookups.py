"""Loading what a URL names, or a friendly 404 when it names nothing."""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import selectinload

from quizapp import db
from quizapp.models import Bank, Question, QuestionVersion
from quizapp.operations import banks as bank_ops


def bank_or_404(slug: str) -> Bank:
    """The bank with ``slug`` and all its content, or 404."""
    bank = bank_ops.load_bank(db.session(), slug)
    if bank is None:
        abort(404)
    return bank


def question_or_404(question_id: int, lock: bool = False) -> Question:
    """The question with ``question_id`` and its versions, or 404.

    ``lock`` holds the question's row until the request commits (PostgreSQL), so two saves of
    the same question queue instead of both making "the next" version.
    """
    question = db.session().get(
        Question,
        question_id,
        options=[selectinload(Question.versions).selectinload(QuestionVersion.choices)],
        with_for_update=lock,
    )
    if question is None:
        abort(404)
    return question


def version_or_404(question: Question, number: int | None) -> QuestionVersion:
    """Version ``number`` of ``question`` (the newest when None), or 404."""
    if number is None:
        return question.current
    for version in question.versions:
        if version.number == number:
            return version
    abort(404)
