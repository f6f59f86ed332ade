"""Views of the admin blueprint."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from quizapp import db
from quizapp.models import Bank, Patient, Role, User
from quizapp.security.roles import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    """The administrator's overview: banks, staff and patients at a glance."""
    dbs = db.session()
    counts = {
        "banks": dbs.scalar(sa.select(sa.func.count(Bank.id))),
        "staff": dbs.scalar(sa.select(sa.func.count(User.id))),
        "patients": dbs.scalar(sa.select(sa.func.count(Patient.id))),
    }
    return render_template("admin/index.html", counts=counts)
