"""One question of one round of the signed-in patient's assignment, found in a single query.

The question and answer pages are the busiest in the app (every patient, every question), so they
read plain columns in one statement built once, instead of loading the assignment, the round and
its items as ORM objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from quizapp.driver_statements import DriverStatement
from quizapp.models import Assignment, Patient, Response, Round, RoundItem
from quizapp.security.sessions import PATIENT_SIGN_IN, PatientPrincipal


@dataclass(frozen=True, slots=True)
class LocatedItem:
    """Where one question sits: its assignment, round and place in the round."""

    assignment_id: int
    patient_id: int
    seed: int
    round_id: int
    round_number: int
    round_finished_at: dt.datetime | None
    item_id: int
    #: 1-based, as in the URL.
    position: int
    #: Questions in the round.
    total: int
    version_id: int
    #: The stored answer's id, or None when not answered yet.
    response_id: int | None


_counted = aliased(RoundItem)
#: The question at (assignment, round number, 0-based index), whoever's it is: its columns are
#: those of a LocatedItem, in order (see item_from_row).
QUESTION_AT = (
    sa.select(
        Assignment.id.label("assignment_id"),
        Assignment.patient_id.label("patient_id"),
        Assignment.seed,
        Round.id.label("round_id"),
        Round.number.label("round_number"),
        Round.finished_at.label("round_finished_at"),
        RoundItem.id.label("item_id"),
        RoundItem.position,
        sa.select(sa.func.count(_counted.id))
        .where(_counted.round_id == Round.id)
        .scalar_subquery()
        .label("total"),
        RoundItem.question_version_id.label("version_id"),
        sa.select(Response.id)
        .where(
            Response.round_id == Round.id,
            Response.question_version_id == RoundItem.question_version_id,
        )
        .scalar_subquery()
        .label("response_id"),
    )
    .join(Round, Round.assignment_id == Assignment.id)
    .join(RoundItem, RoundItem.round_id == Round.id)
    .where(
        Assignment.id == sa.bindparam("assignment_id"),
        Round.number == sa.bindparam("number"),
        RoundItem.position == sa.bindparam("index"),
    )
)
_ITEM = QUESTION_AT.where(Assignment.patient_id == sa.bindparam("patient_id"))
_at = QUESTION_AT.subquery("item")
#: The sign-in check and the question in one statement: the patient row when the token is current,
#: with the question's columns when it is theirs (a LEFT JOIN: NULLs when it is not).
_SIGNED_IN_ITEM = PATIENT_SIGN_IN.add_columns(*_at.c).outerjoin(_at, _at.c.patient_id == Patient.id)
#: Both run on the driver's cursor (see quizapp.driver_statements): the busiest reads.
_RUN_ITEM = DriverStatement(_ITEM)
_RUN_SIGNED_IN_ITEM = DriverStatement(_SIGNED_IN_ITEM)


def params_for(patient_id: int, assignment_id: int, number: int, position: int) -> dict[str, int]:
    return {
        "assignment_id": assignment_id,
        "patient_id": patient_id,
        "number": number,
        "index": position - 1,
    }


def item_from_row(columns: tuple) -> LocatedItem:
    (aid, pid, seed, round_id, round_number, finished, item_id, index, total, vid, rid) = columns
    return LocatedItem(
        aid, pid, seed, round_id, round_number, finished, item_id, index + 1, total, vid, rid
    )


def locate_item(
    db: Session | sa.Connection, patient_id: int, assignment_id: int, number: int, position: int
) -> LocatedItem | None:
    """Question ``position`` (1-based) of round ``number`` of the patient's assignment; None when
    the assignment is someone else's or there is no such round or question."""
    if position < 1:
        return None
    row = _RUN_ITEM.first(db, params_for(patient_id, assignment_id, number, position))
    return None if row is None else item_from_row(row)


def sign_in_and_locate(
    db: Session | sa.Connection,
    patient_id: int,
    token: str,
    assignment_id: int,
    number: int,
    position: int,
) -> tuple[PatientPrincipal | None, LocatedItem | None]:
    """The sign-in check of a question page and its question, in one query: (the patient, when
    ``token`` is their current one, else None; the question as ``locate_item`` finds it). On a
    Connection (as the pages run it) no ORM session is made."""
    params = params_for(patient_id, assignment_id, number, position) | {"token": token}
    row = _RUN_SIGNED_IN_ITEM.first(db, params)
    if row is None:
        return None, None
    principal = PatientPrincipal(row[0], row[1], row[2])
    if row[3] is None or position < 1:
        return principal, None
    return principal, item_from_row(row[3:])
