"""The dashboard's query: a fixed number of queries per page, however many patients there are."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import status as st
from quizapp.models import (
    Assignment,
    Bank,
    Patient,
    Response,
    Round,
    Topic,
)
from quizapp.operations import quiz as quiz_ops

PER_PAGE = 25
#: Offsets stay within a database INTEGER, whatever page number a URL asks for.
MAX_ROWS = 2**31 - 1


@dataclass
class Row:
    patient: Patient
    assignment: Assignment | None
    bank_title: str
    status: str
    to_discuss: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return st.LABELS[self.status]


@dataclass
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int


def status_expression() -> sa.ColumnElement[str]:
    """The dashboard status in SQL; mirrors quizapp.domain.status.status_of."""
    # "Has a round" as a LIMIT 1 lookup, not EXISTS: PostgreSQL turns an EXISTS in the select
    # list into a hash of every round in the database (30,000 with 10,000 patients) before it
    # shows 25 rows; the lookup costs one index probe per row it is asked for.
    has_round = (
        sa.select(Round.id)
        .where(Round.assignment_id == Assignment.id)
        .limit(1)
        .scalar_subquery()
        .is_not(None)
    )
    return sa.case(
        (Assignment.id.is_(None), st.UNASSIGNED),
        (Assignment.completed_at.is_not(None) & Assignment.ready.is_(True), st.READY),
        (Assignment.completed_at.is_not(None), st.NEEDS_DISCUSSION),
        (has_round, st.IN_PROGRESS),
        (Assignment.started_reading_at.is_not(None), st.READING),
        else_=st.NOT_STARTED,
    )


def patients_page(
    db: Session,
    educator_id: int | None,
    status: str = "",
    search: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of patients (all patients when ``educator_id`` is None), soonest consult first."""
    # Which rows (a patient and one of their assignments, or none) are on the page, and how many
    # match, in one query that reads only what it filters and sorts by; then the page's 25 rows
    # with their status (two index probes each) and objects. Working out the status of every one
    # of an educator's 500 patients to show 25 was most of the page's database time.
    matching = sa.select(
        Patient.id, Assignment.id.label("assignment_id"), sa.func.count().over().label("total")
    ).outerjoin(Assignment, Assignment.patient_id == Patient.id)
    if educator_id is not None:
        matching = matching.where(Patient.educator_id == educator_id)
    if search:
        like = f"%{search.strip().lower()}%"
        matching = matching.where(
            sa.func.lower(Patient.display_name).like(like) | sa.func.lower(Patient.mrn).like(like)
        )
    if status in st.LABELS:
        matching = matching.where(status_expression() == status)
    matching = matching.order_by(*_ORDER)
    page = min(max(1, page), MAX_ROWS // per_page)  # a huge ?page= is the last page, not an error
    result = db.execute(_rows_of(matching, page, per_page)).all()
    if result:
        total = result[0].total
    elif page == 1:
        total = 0
    else:  # a page past the end (an old link): the last page
        total = db.scalar(sa.select(sa.func.count()).select_from(matching.subquery())) or 0
        page = max(1, math.ceil(total / per_page))
        result = db.execute(_rows_of(matching, page, per_page)).all()
    pages = max(1, math.ceil(total / per_page))
    rows = [Row(p, a, title or "", s) for p, a, title, s, _total in result]
    _fill_topics_to_discuss(db, rows)
    return Page(rows, total, page, pages)


#: Soonest consult first, then by name; the ids make the order total, so pages never overlap.
_ORDER = (
    Patient.consult_date.is_(None),
    Patient.consult_date,
    Patient.display_name,
    Patient.id,
    Assignment.id,
)


def _rows_of(matching: sa.Select, page: int, per_page: int) -> sa.Select:
    """The rows of one page of ``matching``, as objects, with their status and the total."""
    on_page = matching.limit(per_page).offset((page - 1) * per_page).subquery("on_page")
    return (
        sa.select(Patient, Assignment, Bank.title, status_expression().label("status"))
        .add_columns(on_page.c.total)
        .join(on_page, on_page.c.id == Patient.id)
        .outerjoin(Assignment, Assignment.id == on_page.c.assignment_id)
        .outerjoin(Bank, Bank.id == Assignment.bank_id)
        .order_by(*_ORDER)
    )


def _fill_topics_to_discuss(db: Session, rows: list[Row]) -> None:
    """Unmastered topics of every started assignment on the page: two queries in all. A ready
    patient has none: "ready" is stored when the last round closes, only when every topic asked
    was mastered, and nothing is answered after that, so their answers are not read."""
    started = {
        r.assignment.id: r
        for r in rows
        if r.assignment and r.status not in (st.NOT_STARTED, st.READING, st.READY)
    }
    if not started:
        return
    # Counted per assignment, topic and round in SQL: a page of 25 patients is a few hundred
    # rows instead of every answer they gave (about 1,500 with three rounds each).
    right = sa.func.sum(sa.case((Response.is_correct, 1), else_=0))
    per_round = db.execute(
        quiz_ops.with_topic(
            sa.select(Round.assignment_id, Topic.key, Round.number, sa.func.count(), right).join(
                Response, Response.round_id == Round.id
            )
        )
        .where(Round.assignment_id.in_(started))
        .group_by(Round.assignment_id, Topic.key, Round.number)
    ).all()
    bank_ids = {r.assignment.bank_id for r in started.values()}
    topics = db.execute(
        sa.select(Topic.bank_id, Topic.key, Topic.title)
        .where(Topic.bank_id.in_(bank_ids))
        .order_by(Topic.position)
    ).all()
    # A topic is mastered when every answer in the latest round that asked it was right
    # (teach_to_goal.results): keep that round's verdict per assignment and topic.
    latest: dict[tuple[int, str], tuple[int, bool]] = {}
    for assignment_id, key, number, asked, correct in per_round:
        seen = latest.get((assignment_id, key))
        if seen is None or number > seen[0]:
            latest[(assignment_id, key)] = (number, correct == asked)
    for assignment_id, row in started.items():
        row.to_discuss = [
            title
            for bank_id, key, title in topics
            if bank_id == row.assignment.bank_id
            and (assignment_id, key) in latest
            and not latest[(assignment_id, key)][1]
        ]
