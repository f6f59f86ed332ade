"""Item statistics of a bank in two SQL statements, whatever the number of responses.

The database does the counting (GROUP BY, COUNT, SUM(CASE ...)) and hands over one row of sums per
question version and one count per choice; :mod:`quizapp.domain.item_stats` finishes the numbers.
No Flask here: ``item_statistics(session, bank_id)`` works from a script or a benchmark too.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import item_stats as items
from quizapp.models import (
    Assignment,
    Choice,
    Question,
    QuestionStatus,
    QuestionVersion,
    Response,
    ResponseChoice,
    Round,
    Topic,
)


@dataclass(frozen=True)
class VersionStats:
    """One question version, what it says, and its statistics."""

    version_id: int
    question_id: int
    key: str
    topic: str
    number: int
    is_current: bool
    status: str
    kind: str
    stem: str
    reading_grade: float | None
    stats: items.ItemStats


def _is_correct() -> sa.ColumnElement[int]:
    return sa.case((Response.is_correct, 1), else_=0)


def _first_rounds(bank_id: int) -> sa.Select:
    """Ids of the first rounds of the bank's assignments."""
    return (
        sa.select(Round.id)
        .join(Assignment, Assignment.id == Round.assignment_id)
        .where(Round.number == 1, Assignment.bank_id == bank_id)
    )


def _first_try_sums(bank_id: int) -> sa.Subquery:
    """Per version: first tries, first tries right, and the sums the correlation needs.

    One pass over the first-round responses: a window over each round gives every answer its
    round's total (``right`` of ``answered``), so the rest score needs no join back. Answers
    alike in (version, x, right, answered) are counted together first, so the arithmetic runs on
    a few hundred groups rather than on every response.
    """
    x = _is_correct()
    per_round = {"partition_by": Response.round_id}
    answers = (
        sa.select(
            Response.question_version_id.label("version_id"),
            x.label("x"),
            sa.func.sum(x).over(**per_round).label("right"),
            sa.func.count().over(**per_round).label("answered"),
        )
        .where(Response.round_id.in_(_first_rounds(bank_id)))
        .subquery("first_tries")
    )
    alike = sa.select(*answers.c, sa.func.count().label("k")).group_by(*answers.c).subquery("alike")
    k = alike.c.k
    has_rest = alike.c.answered > 1
    right = alike.c.x == 1
    # The rest of the first-round score: the share of the round's other answers that were right.
    rest = sa.cast(alike.c.right - alike.c.x, sa.Float) / (alike.c.answered - 1)
    return (
        sa.select(
            alike.c.version_id,
            sa.func.sum(k).label("first_tries"),
            sa.func.sum(k * alike.c.x).label("first_correct"),
            sa.func.sum(sa.case((has_rest, k), else_=0)).label("d_n"),
            sa.func.sum(sa.case((has_rest & right, k), else_=0)).label("d_sum_x"),
            sa.func.sum(sa.case((has_rest, k * rest))).label("d_sum_y"),
            sa.func.sum(sa.case((has_rest & right, k * rest))).label("d_sum_xy"),
            sa.func.sum(sa.case((has_rest, k * rest * rest))).label("d_sum_yy"),
        )
        .group_by(alike.c.version_id)
        .subquery("sums")
    )


def _bank_versions(bank_id: int) -> sa.Select:
    return (
        sa.select(QuestionVersion.id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.bank_id == bank_id)
    )


def _answer_counts(bank_id: int) -> sa.Subquery:
    """Per version of the bank: answers in every round (read from the index alone)."""
    return (
        sa.select(
            Response.question_version_id.label("version_id"),
            sa.func.count().label("answers"),
        )
        .where(Response.question_version_id.in_(_bank_versions(bank_id)))
        .group_by(Response.question_version_id)
        .subquery("answer_counts")
    )


def _choice_picks(bank_id: int) -> sa.Subquery:
    """Per choice of the bank's questions: how many answers, in any round, picked it."""
    choices = (
        sa.select(Choice.id)
        .join(QuestionVersion, QuestionVersion.id == Choice.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.bank_id == bank_id)
    )
    return (
        sa.select(ResponseChoice.choice_id.label("choice_id"), sa.func.count().label("picks"))
        .where(ResponseChoice.choice_id.in_(choices))
        .group_by(ResponseChoice.choice_id)
        .subquery("picks")
    )


def item_statistics(
    db: Session, bank_id: int, min_first_tries: int = items.MIN_FIRST_TRIES
) -> list[VersionStats]:
    """Statistics of every answered version of the bank, and of each approved question's newest.

    Ordered by topic, question key and version (newest first). Two statements in all.
    """
    counts = _answer_counts(bank_id)
    sums = _first_try_sums(bank_id)
    newest = (
        sa.select(QuestionVersion.question_id, sa.func.max(QuestionVersion.number).label("number"))
        .group_by(QuestionVersion.question_id)
        .subquery("newest")
    )
    is_current = QuestionVersion.number == newest.c.number
    rows = db.execute(
        sa.select(
            QuestionVersion.id,
            Question.id,
            Question.key,
            Topic.title,
            QuestionVersion.number,
            is_current.label("is_current"),
            Question.status,
            QuestionVersion.kind,
            QuestionVersion.stem,
            QuestionVersion.reading_grade,
            counts.c.answers,
            *(sums.c[name] for name in _SUM_FIELDS[1:]),
        )
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        .join(newest, newest.c.question_id == Question.id)
        .outerjoin(counts, counts.c.version_id == QuestionVersion.id)
        .outerjoin(sums, sums.c.version_id == QuestionVersion.id)
        .where(
            Question.bank_id == bank_id,
            counts.c.version_id.is_not(None)
            | (is_current & (Question.status == QuestionStatus.APPROVED)),
        )
        .order_by(Topic.position, Topic.id, Question.key, QuestionVersion.number.desc())
    ).all()
    choices = _choices(db, bank_id)
    result = []
    for row in rows:
        version_id, question_id, key, topic, number, current, status, kind, stem, grade = row[:10]
        values = dict(zip(_SUM_FIELDS, row[10:], strict=True))
        # PostgreSQL sums integers as NUMERIC: make every value a plain int or float.
        item_sums = items.ItemSums(
            **{
                k: (float(v or 0) if k.startswith("d_sum") else int(v or 0))
                for k, v in values.items()
            }
        )
        stats = items.item_stats(
            version_id, item_sums, choices.get(version_id, []), min_first_tries
        )
        result.append(
            VersionStats(
                version_id,
                question_id,
                key,
                topic,
                number,
                bool(current),
                status,
                kind,
                stem,
                grade,
                stats,
            )
        )
    return result


_SUM_FIELDS = (
    "answers",
    "first_tries",
    "first_correct",
    "d_n",
    "d_sum_x",
    "d_sum_y",
    "d_sum_xy",
    "d_sum_yy",
)


def _choices(db: Session, bank_id: int) -> dict[int, list[items.ChoiceCount]]:
    """Every choice of the bank's versions with its first-try picks, by version id."""
    picks = _choice_picks(bank_id)
    rows = db.execute(
        sa.select(
            Choice.version_id,
            Choice.id,
            Choice.position,
            Choice.text,
            Choice.is_correct,
            sa.func.coalesce(picks.c.picks, 0),
        )
        .join(QuestionVersion, QuestionVersion.id == Choice.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .outerjoin(picks, picks.c.choice_id == Choice.id)
        .where(Question.bank_id == bank_id)
    )
    by_version: dict[int, list[items.ChoiceCount]] = {}
    for version_id, choice_id, position, text, correct, count in rows:
        by_version.setdefault(version_id, []).append(
            items.ChoiceCount(choice_id, position, text, bool(correct), int(count))
        )
    return by_version


def answers_by_bank(db: Session) -> dict[int, int]:
    """How many answers each bank's questions have had, by bank id (one statement)."""
    rows = db.execute(
        sa.select(Question.bank_id, sa.func.count(Response.id))
        .join(QuestionVersion, QuestionVersion.id == Response.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .group_by(Question.bank_id)
    )
    return {bank_id: count for bank_id, count in rows}
