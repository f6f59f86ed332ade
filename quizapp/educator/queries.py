"""The dashboard's query: a fixed number of queries per page, however many patients there are.

The dashboard is the educators' busiest page: its statements are built once per shape (scoped to
an educator or not, filtered by status or not, searched or not) and read plain columns, not ORM
objects (building the statements and loading 50 objects were a third of the page's time)."""

from __future__ import annotations

import datetime as dt
import functools
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
    """One line of the dashboard: a patient and one of their assignments (or none yet)."""

    patient_id: int
    name: str
    mrn: str | None
    consult_date: dt.date | None
    assignment_id: int | None
    bank_title: str
    last_activity_at: dt.datetime | None
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


#: Soonest consult first, then by name; the ids make the order total, so pages never overlap.
_ORDER = (
    Patient.consult_date.is_(None),
    Patient.consult_date,
    Patient.display_name,
    Patient.id,
    Assignment.id,
)


@dataclass(frozen=True)
class _Statements:
    rows: sa.Select
    count: sa.Select


@functools.cache
def _statements(scoped: bool, by_status: bool, by_search: bool) -> _Statements:
    """The page's statements for one shape of request, with bound parameters ``educator_id``,
    ``status``, ``like``, ``limit`` and ``offset``."""
    matching = sa.select(
        Patient.id, Assignment.id.label("assignment_id"), sa.func.count().over().label("total")
    ).outerjoin(Assignment, Assignment.patient_id == Patient.id)
    if scoped:
        matching = matching.where(Patient.educator_id == sa.bindparam("educator_id"))
    if by_search:
        like = sa.bindparam("like", type_=sa.String)
        matching = matching.where(
            sa.func.lower(Patient.display_name).like(like) | sa.func.lower(Patient.mrn).like(like)
        )
    if by_status:
        matching = matching.where(status_expression() == sa.bindparam("status", type_=sa.String))
    matching = matching.order_by(*_ORDER)
    # Which rows are on the page, and how many match, in one query that reads only what it
    # filters and sorts by; then the page's 25 rows with their status (two index probes each).
    # Working out the status of every one of an educator's 500 patients to show 25 was most of
    # the page's database time.
    on_page = (
        matching.limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
        .subquery("on_page")
    )
    rows = (
        sa.select(
            Patient.id,
            Patient.display_name,
            Patient.mrn,
            Patient.consult_date,
            Assignment.id,
            sa.func.coalesce(Bank.title, ""),  # no assignment: no bank
            Assignment.last_activity_at,
            status_expression().label("status"),
            on_page.c.total,
        )
        .join(on_page, on_page.c.id == Patient.id)
        .outerjoin(Assignment, Assignment.id == on_page.c.assignment_id)
        .outerjoin(Bank, Bank.id == Assignment.bank_id)
        .order_by(*_ORDER)
    )
    count = sa.select(sa.func.count()).select_from(matching.subquery())
    return _Statements(rows, count)


def patients_page(
    db: Session | sa.Connection,
    educator_id: int | None,
    status: str = "",
    search: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of patients (all patients when ``educator_id`` is None), soonest consult first."""
    by_status = status in st.LABELS
    statements = _statements(educator_id is not None, by_status, bool(search))
    params: dict[str, object] = {"limit": per_page}
    if educator_id is not None:
        params["educator_id"] = educator_id
    if search:
        params["like"] = f"%{search.strip().lower()}%"
    if by_status:
        params["status"] = status
    page = min(max(1, page), MAX_ROWS // per_page)  # a huge ?page= is the last page, not an error
    result = db.execute(statements.rows, params | {"offset": (page - 1) * per_page}).all()
    if result:
        total = result[0][-1]
    elif page == 1:
        total = 0
    else:  # a page past the end (an old link): the last page
        total = db.scalar(statements.count, params) or 0
        page = max(1, math.ceil(total / per_page))
        result = db.execute(statements.rows, params | {"offset": (page - 1) * per_page}).all()
    pages = max(1, math.ceil(total / per_page))
    rows = [Row(*columns[:8]) for columns in result]
    _fill_topics_to_discuss(db, rows)
    return Page(rows, total, page, pages)


def _topics_to_discuss() -> sa.Select:
    """Per assignment (of bound ``ids``), the titles of its unmastered topics in the bank's order.
    A topic is unmastered when an answer in the latest round that asked it was wrong
    (teach_to_goal.results); counted in SQL, so a page brings back only the titles it shows."""
    right = sa.func.sum(sa.case((Response.is_correct, 1), else_=0))
    per_round = (
        quiz_ops.with_topic(
            sa.select(
                Round.assignment_id,
                Topic.id.label("topic_id"),
                Round.number,
                (sa.func.count() - right).label("wrong"),
                sa.func.max(Round.number)
                .over(partition_by=(Round.assignment_id, Topic.id))
                .label("latest"),
            ).join(Response, Response.round_id == Round.id)
        )
        .where(Round.assignment_id.in_(sa.bindparam("ids", expanding=True)))
        .group_by(Round.assignment_id, Topic.id, Round.number)
        .cte("per_round")
    )
    return (
        sa.select(per_round.c.assignment_id, Topic.title)
        .join(Topic, Topic.id == per_round.c.topic_id)
        .where(per_round.c.number == per_round.c.latest, per_round.c.wrong > 0)
        .order_by(per_round.c.assignment_id, Topic.position)
    )


_TOPICS_TO_DISCUSS = _topics_to_discuss()


def _fill_topics_to_discuss(db: Session | sa.Connection, rows: list[Row]) -> None:
    """Unmastered topics of every started assignment on the page, in one query. A ready patient
    has none: "ready" is stored when the last round closes, only when every topic asked was
    mastered, and nothing is answered after that, so their answers are not read."""
    started = {
        r.assignment_id: r
        for r in rows
        if r.assignment_id is not None and r.status not in (st.NOT_STARTED, st.READING, st.READY)
    }
    if not started:
        return
    for assignment_id, title in db.execute(_TOPICS_TO_DISCUSS, {"ids": sorted(started)}):
        started[assignment_id].to_discuss.append(title)
