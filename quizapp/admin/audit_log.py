"""Admin views of the audit log: filter, page through, export as CSV. Reading it is audited too."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Response, render_template, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional

from quizapp import db
from quizapp.admin.blueprint import bp
from quizapp.models import AuditEvent, Role, User
from quizapp.requests import audit
from quizapp.security.roles import role_required

PER_PAGE = 50
CSV_CHUNK = 1000
DATE_HELP = "Enter the date as year-month-day, for example 2026-03-01."
CSV_HEADER = [
    "id",
    "at_utc",
    "actor_email",
    "actor_user_id",
    "actor_patient_id",
    "patient_id",
    "action",
    "target",
    "outcome",
    "ip",
]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    actor = StringField(
        "Staff email (or part of it)", validators=[Optional(), Length(max=254)], filters=[_strip]
    )
    patient = IntegerField(
        "Patient id",
        validators=[Optional(), NumberRange(min=1, message="Enter a patient id, such as 42.")],
    )
    action = StringField(
        "Action", validators=[Optional(), Length(max=64)], filters=[_strip, _lower]
    )
    start = DateField("From (UTC date)", validators=[Optional()])
    end = DateField("To (UTC date, included)", validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for field in (self.start, self.end):
            if field.errors and field.raw_data and field.raw_data[0] and field.data is None:
                field.errors = [DATE_HELP]
        if self.patient.errors and self.patient.data is None:
            self.patient.errors = ["Enter a patient id: a whole number, such as 42."]
        if ok and self.start.data and self.end.data and self.start.data > self.end.data:
            self.end.errors = ["The end date is before the start date."]
            ok = False
        return ok

    def args(self) -> dict[str, str]:
        """The filters as URL arguments, for page links and the CSV link."""
        return {
            name: raw
            for name in ("actor", "patient", "action", "start", "end")
            if (raw := request.args.get(name, "").strip())
        }


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _filtered(form: AuditFilterForm) -> sa.Select:
    """Audit events (with the acting staff member's email) matching the valid filters."""
    query = sa.select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_user_id)
    if form.actor.data:
        query = query.where(User.email.contains(form.actor.data.lower(), autoescape=True))
    if form.patient.data:
        query = query.where(
            (AuditEvent.patient_id == form.patient.data)
            | (AuditEvent.actor_patient_id == form.patient.data)
        )
    if form.action.data:
        # "patient.summary.view" finds that action; "patient." finds every action under it.
        action = form.action.data
        query = query.where(
            (AuditEvent.action == action)
            | AuditEvent.action.startswith(action.rstrip(".") + ".", autoescape=True)
        )
    if form.start.data:
        query = query.where(AuditEvent.at >= _midnight(form.start.data))
    if form.end.data:
        query = query.where(AuditEvent.at < _midnight(form.end.data + dt.timedelta(days=1)))
    return query


def _newest_first(query: sa.Select) -> sa.Select:
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log() -> ResponseReturnValue:
    """The audit log, newest first, filtered by actor, patient, action and dates; in pages."""
    form = AuditFilterForm(formdata=request.args)
    valid = form.validate()
    dbs = db.session()
    events: list = []
    total, page, pages = 0, 1, 1
    if valid:
        query = _filtered(form)
        total = dbs.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
        pages = max(1, math.ceil(total / PER_PAGE))
        page = min(max(1, request.args.get("page", 1, type=int)), pages)
        events = dbs.execute(
            _newest_first(query).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        ).all()
    audit("audit.view", patient_id=form.patient.data if valid else None, target=f"page:{page}")
    dbs.commit()
    filters = form.args()
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        page_url=lambda n: url_for("admin.audit_log", **filters, page=n),
    ), 200 if valid else 422


@bp.get("/audit.csv")
@role_required(Role.ADMIN)
def audit_csv() -> ResponseReturnValue:
    """The filtered audit events as CSV, newest first (the export itself is audited)."""
    form = AuditFilterForm(formdata=request.args)
    if not form.validate():
        return audit_log()
    dbs = db.session()
    audit("audit.export", patient_id=form.patient.data, target="audit:csv")
    dbs.commit()
    db.release()  # the download streams on a session of its own: hold no second connection
    query = _newest_first(_filtered(form)).execution_options(yield_per=CSV_CHUNK)
    headers = {"Content-Disposition": "attachment; filename=audit-log.csv"}
    return Response(stream_with_context(_csv_rows(query)), mimetype="text/csv", headers=headers)


def _csv_rows(query: sa.Select) -> Iterator[str]:
    """The CSV in chunks, so a long log never sits in memory whole.

    It runs after the view has returned, in the context ``stream_with_context`` keeps, on a session
    of its own (closed when the download ends) in a transaction that reads without SQLite's write
    lock; a streaming cursor needs a transaction on PostgreSQL, so not the autocommit reader.
    """
    token = db.begin_mode.set("BEGIN")
    stream = db.state().sessionmaker()
    try:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for n, (event, email) in enumerate(stream.execute(query), 1):
            writer.writerow(
                [
                    event.id,
                    event.at.strftime("%Y-%m-%d %H:%M:%S"),
                    cell(email or ""),
                    event.actor_user_id or "",
                    event.actor_patient_id or "",
                    event.patient_id or "",
                    cell(event.action),
                    cell(event.target),
                    cell(event.outcome),
                    cell(event.ip),
                ]
            )
            if n % CSV_CHUNK == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()
    finally:
        stream.close()
        db.begin_mode.reset(token)


def cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ is read as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
