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

from quizapp.models import Assignment, Response, Round, RoundItem


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
_ITEM = (
    sa.select(
        Assignment.id,
        Assignment.patient_id,
        Assignment.seed,
        Round.id,
        Round.number,
        Round.finished_at,
        RoundItem.id,
        RoundItem.position,
        sa.select(sa.func.count(_counted.id))
        .where(_counted.round_id == Round.id)
        .scalar_subquery(),
        RoundItem.question_version_id,
        sa.select(Response.id)
        .where(
            Response.round_id == Round.id,
            Response.question_version_id == RoundItem.question_version_id,
        )
        .scalar_subquery(),
    )
    .join(Round, Round.assignment_id == Assignment.id)
    .join(RoundItem, RoundItem.round_id == Round.id)
    .where(
        Assignment.id == sa.bindparam("assignment_id"),
        Assignment.patient_id == sa.bindparam("patient_id"),
        Round.number == sa.bindparam("number"),
        RoundItem.position == sa.bindparam("index"),
    )
)


def locate_item(
    db: Session, patient_id: int, assignment_id: int, number: int, position: int
) -> LocatedItem | None:
    """Question ``position`` (1-based) of round ``number`` of the patient's assignment; None when
    the assignment is someone else's or there is no such round or question."""
    if position < 1:
        return None
    row = db.execute(
        _ITEM,
        {
            "assignment_id": assignment_id,
            "patient_id": patient_id,
            "number": number,
            "index": position - 1,
        },
    ).one_or_none()
    if row is None:
        return None
    (aid, pid, seed, round_id, round_number, finished, item_id, index, total, vid, rid) = row
    return LocatedItem(
        aid, pid, seed, round_id, round_number, finished, item_id, index + 1, total, vid, rid
    )
