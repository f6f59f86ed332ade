"""Per-request plumbing: URL integers, how SQLite transactions begin, the audit helper."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask_login import current_user
from werkzeug.routing import IntegerConverter, Map

from quizapp import db
from quizapp.models import Role
from quizapp.operations import audit as audit_ops
from quizapp.security.ratelimit import client_address
from quizapp.security.sessions import ClaimedPatient

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
#: The largest id a database INTEGER holds.
MAX_ID = 2**31 - 1


def database_id(raw: str) -> int | None:
    """An id sent in a form or a query string: digits 0-9 only (``"²".isdigit()`` is true, and
    ``int`` refuses it), at most what a database INTEGER holds; else None."""
    if raw.isascii() and raw.isdecimal() and len(raw) <= 10 and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` in a URL only matches what a database INTEGER holds; a larger number is a
    404, not an overflow error from the database driver."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Bound URL integers, refuse NUL bytes, choose the SQLite BEGIN per request (see
    quizapp.db.begin_mode)."""
    app.url_map.converters["int"] = DatabaseIntConverter  # before any blueprint adds its rules

    @app.before_request
    def _choose_begin() -> None:
        # GETs read in autocommit (a view that also writes calls db.start_writing() first;
        # audit() does), and so do POST views marked @db.reads_first until they call it.
        view = app.view_functions.get(request.endpoint or "")
        reads = request.method in SAFE_METHODS or getattr(view, db.READS_FIRST, False)
        request.environ["quizapp.begin_tokens"] = (
            db.begin_mode.set("BEGIN" if reads else "BEGIN IMMEDIATE"),
            db.autocommit_reads.set(reads),
            db.reads_again.set(False),
            db.one_statement_left.set(None),
        )

    @app.before_request
    def _refuse_nul_bytes() -> None:
        # No person types a NUL, and PostgreSQL cannot store one in text (it would be a 500 at
        # the first query, or in the audit of a 404). Uploaded files may hold any bytes. The query
        # string is checked as sent (a NUL arrives as %00); a form only when there is one.
        query = request.query_string
        texts = [request.path]
        if b"%00" in query or b"\x00" in query:
            texts += [part for pair in request.args.items(multi=True) for part in pair]
        if request.method not in SAFE_METHODS:
            texts += [part for pair in request.form.items(multi=True) for part in pair]
        if any("\x00" in (text or "") for text in texts):
            abort(400)

    @app.teardown_request
    def _reset_begin(_exc: BaseException | None) -> None:
        tokens = request.environ.pop("quizapp.begin_tokens", None)
        if tokens is not None:
            db.begin_mode.reset(tokens[0])
            db.autocommit_reads.reset(tokens[1])
            db.reads_again.reset(tokens[2])
            db.one_statement_left.reset(tokens[3])


def audit_event(
    action: str, *, patient_id: int | None = None, target: str = "", outcome: str = "ok"
) -> dict[str, Any]:
    """The columns of an audit event by the current principal, from the current address."""
    principal = current_user._get_current_object() if current_user else None
    if isinstance(principal, ClaimedPatient):  # nobody may act for a patient not yet checked
        raise RuntimeError("audit before the sign-in check: the patient is only claimed")
    signed_in = principal is not None and principal.is_authenticated
    is_patient = signed_in and principal.role == Role.PATIENT
    return audit_ops.event(
        action,
        actor_user_id=principal.id if signed_in and not is_patient else None,
        actor_patient_id=principal.id if is_patient else None,
        patient_id=patient_id,
        target=target,
        outcome=outcome,
        ip=client_address(),
    )


def audit(
    action: str,
    *,
    patient_id: int | None = None,
    target: str = "",
    outcome: str = "ok",
    alone: bool = False,
) -> None:
    """Stage an audit event for the current principal and address (the view commits). In a GET,
    the page's reads are done: the event is written with the write lock taken just for it.

    ``alone``: the event is the request's only write (a page that shows patient results and
    writes nothing else). On PostgreSQL it is then one statement in autocommit, without the BEGIN
    and COMMIT round trips (see db.start_writing); a second write would be refused in tests. (A
    view that writes more calls db.start_writing() first, as any GET must before it writes: the
    event then goes into that transaction, whatever ``alone`` says.)"""
    db.start_writing(one_statement=alone)
    event = audit_event(action, patient_id=patient_id, target=target, outcome=outcome)
    audit_ops.write(db.session().connection(), event)
