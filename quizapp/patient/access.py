"""Signing in with the access code, the timed-out page and the patient's home page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from quizapp import db
from quizapp.models import Assignment, Role, utcnow
from quizapp.operations import patients as patient_ops
from quizapp.patient.blueprint import bp
from quizapp.patient.forms import CodeForm
from quizapp.requests import audit
from quizapp.security.ratelimit import limiter
from quizapp.security.roles import role_required
from quizapp.security.sessions import SIGNED_OUT_PATIENT, start_session

CODE_NOT_FOUND = "We could not find that code. Please check it and try again."
CODE_EXPIRED = "This code has expired. Please ask your educator for a new one."
CODE_REVOKED = "This code no longer works. Please ask your educator for a new one."


def _code_limit() -> str:
    return current_app.config["QUIZAPP_CODE_LIMIT"]


def code_key() -> str:
    """The key access codes are hashed with."""
    return current_app.config["SECRET_KEY"]


@bp.route("/start", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
def start() -> ResponseReturnValue:
    """Sign in with the access code from the paper slip."""
    if current_user.is_authenticated and current_user.role == Role.PATIENT:
        return redirect(url_for("patient.home"))
    form = CodeForm()
    if form.validate_on_submit():
        dbs = db.session()
        code = patient_ops.find_code(dbs, form.code.data or "", code_key())
        if code is None or not code.is_usable(utcnow()):
            message = CODE_NOT_FOUND
            if code is not None:
                message = CODE_REVOKED if code.revoked_at else CODE_EXPIRED
            outcome = {CODE_NOT_FOUND: "failed", CODE_EXPIRED: "expired"}.get(message, "revoked")
            audit("patient.code", patient_id=code.patient_id if code else None, outcome=outcome)
            dbs.commit()
            form.code.errors.append(message)
        else:
            start_session(code.patient)
            audit("patient.code", patient_id=code.patient_id, target=f"patient:{code.patient_id}")
            dbs.commit()
            return redirect(url_for("patient.home"))
    return render_template("patient/start.html", form=form), 200 if not form.errors else 422


@bp.get("/signed-out")
def signed_out() -> ResponseReturnValue:
    """Tell a patient whose session timed out that nothing was lost."""
    session.pop(SIGNED_OUT_PATIENT, None)
    return render_template("patient/signed_out.html")


@bp.get("/learn/")
@role_required(Role.PATIENT)
def home() -> ResponseReturnValue:
    """The patient's start page: what to read and the quiz to take."""
    assignments = (
        db.session()
        .scalars(
            sa.select(Assignment)
            .where(Assignment.patient_id == current_user.id)
            .order_by(Assignment.id)
        )
        .all()
    )
    return render_template("patient/home.html", patient=current_user, assignments=assignments)
