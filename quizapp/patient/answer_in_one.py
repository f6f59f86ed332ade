"""PostgreSQL: a new answer in one round trip, its sign-in check included.

An answer otherwise takes two statements on PostgreSQL, two round trips to the server: the sign-in
check that finds the question (quizapp.patient.locate), then the answer's writes
(quizapp.operations.quiz.record_answer). When the form names the question's version, the answer
can be graded before anything is read, and both become one statement:

- ``me``: the patient, only while the cookie's session token is their current one;
- ``item``: the question at that place in that round of that patient's assignment, only if it is
  the version the form names (else the answer would be graded against another question);
- ``answer``: the answer, only while the round is open and the question has none (ON CONFLICT DO
  NOTHING), with its choices, the assignment's last activity and the audit event.

Nothing is written unless the sign-in check and the question both hold, in the same snapshot:
a sign-out that commits before the statement leaves it writing nothing. The page reads the
outcome back in the same row (see ``AnswerInOne``) and takes the usual path for anything but a
new answer, signed in by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from quizapp.driver_statements import DriverStatement
from quizapp.models import Assignment, RoundItem
from quizapp.operations import quiz as quiz_ops
from quizapp.patient.locate import QUESTION_AT, LocatedItem, item_from_row, params_for
from quizapp.security.sessions import PATIENT_SIGN_IN, PatientPrincipal
from quizapp.version_cache import CachedVersion


def _statement() -> sa.Select:
    me = PATIENT_SIGN_IN.cte("me")
    item = QUESTION_AT.where(
        Assignment.patient_id == sa.select(me.c.id).scalar_subquery(),
        RoundItem.question_version_id == sa.bindparam("version_id"),
    ).cte("item")
    answer = quiz_ops.answer_insert(
        pg_insert, item.c.round_id, item.c.round_finished_at.is_(None)
    ).cte("answer")
    target = sa.select(sa.literal("round_item:") + sa.cast(item.c.item_id, sa.String))
    writes = quiz_ops.answer_writes(answer, audit_target=target.scalar_subquery())
    return (
        sa.select(*me.c, *item.c, answer.c.id.label("answer_id"))
        .select_from(me)
        .outerjoin(item, sa.true())
        .outerjoin(answer, sa.true())
        .add_cte(*writes)
    )


_RUN = DriverStatement(_statement())


@dataclass(frozen=True, slots=True)
class AnswerInOne:
    """What the statement found and did."""

    #: The patient, when the token is their current one; else None (and nothing was written).
    principal: PatientPrincipal | None
    #: The question, when it is theirs and of the version the form named; else None.
    item: LocatedItem | None
    #: The new answer's id; None when none was stored (see the page for why).
    response_id: int | None


def answer_in_one(
    conn: sa.Connection,
    patient_id: int,
    token: str,
    where: tuple[int, int, int],
    version: CachedVersion,
    chosen: list[int],
    audit_event: dict[str, Any],
) -> AnswerInOne:
    """Store the answer ``chosen`` (a valid answer, see quiz_ops.graded) to ``version`` at
    ``where`` (assignment id, round number, position from 1) for the patient whose cookie names
    ``patient_id`` and ``token``, with ``audit_event``, whose target becomes the question. Run
    it in autocommit (``db.start_writing(one_statement=True)``): one statement is atomic."""
    assignment_id, number, position = where
    params = params_for(patient_id, assignment_id, number, position) | {"token": token}
    params |= quiz_ops.answer_values(version, chosen, audit_event)
    row = _RUN.first(conn, params)
    if row is None:
        return AnswerInOne(None, None, None)
    principal = PatientPrincipal(row[0], row[1], row[2])
    item = None if row[3] is None else item_from_row(row[3:14])
    return AnswerInOne(principal, item, row[14])
