"""Views of the admin blueprint: the overview. Banks and questions live in banks.py and
questions.py; all share ``bp`` from blueprint.py."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask.typing import ResponseReturnValue

from quizapp import db
from quizapp.admin.blueprint import bp
from quizapp.models import Bank, Patient, Question, QuestionStatus, Role, User
from quizapp.security.roles import role_required

__all__ = ["bp", "index"]


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    """The administrator's overview: banks, staff and patients at a glance."""
    dbs = db.session()
    counts = {
        "banks": dbs.scalar(sa.select(sa.func.count(Bank.id))),
        "drafts": dbs.scalar(
            sa.select(sa.func.count(Question.id)).where(Question.status == QuestionStatus.DRAFT)
        ),
        "staff": dbs.scalar(sa.select(sa.func.count(User.id))),
        "patients": dbs.scalar(sa.select(sa.func.count(Patient.id))),
    }
    return render_template("admin/index.html", counts=counts)
