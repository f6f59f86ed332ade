"""Per-request plumbing: how SQLite transactions begin, and the request's audit helper."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from quizapp import db
from quizapp.models import Patient, User
from quizapp.operations import audit as audit_ops
from quizapp.security.ratelimit import client_address

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def init_app(app: Flask) -> None:
    """Choose the SQLite BEGIN per request (see quizapp.db.sqlite_begin)."""

    @app.before_request
    def _choose_begin() -> None:
        mode = "BEGIN" if request.method in SAFE_METHODS else "BEGIN IMMEDIATE"
        request.environ["quizapp.begin_token"] = db.sqlite_begin.set(mode)

    @app.teardown_request
    def _reset_begin(_exc: BaseException | None) -> None:
        token = request.environ.pop("quizapp.begin_token", None)
        if token is not None:
            db.sqlite_begin.reset(token)


def audit(
    action: str, *, patient_id: int | None = None, target: str = "", outcome: str = "ok"
) -> None:
    """Stage an audit event for the current principal and address (the view commits)."""
    principal = current_user._get_current_object() if current_user else None
    audit_ops.record(
        db.session(),
        action,
        actor_user_id=principal.id if isinstance(principal, User) else None,
        actor_patient_id=principal.id if isinstance(principal, Patient) else None,
        patient_id=patient_id,
        target=target,
        outcome=outcome,
        ip=client_address(),
    )
