"""Views of the educator blueprint."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from quizapp import db
from quizapp.models import Patient, Role
from quizapp.security.roles import role_required

bp = Blueprint("educator", __name__, url_prefix="/educator")


@bp.get("/")
@role_required(Role.EDUCATOR)
def dashboard() -> ResponseReturnValue:
    """The educator's own patients, soonest consult first."""
    patients = (
        db.session()
        .scalars(
            sa.select(Patient)
            .where(Patient.educator_id == current_user.id)
            .order_by(Patient.consult_date.is_(None), Patient.consult_date, Patient.id)
        )
        .all()
    )
    return render_template("educator/dashboard.html", patients=patients)
