"""The patient blueprint object and the lookup every patient page shares."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from quizapp import db
from quizapp.models import Assignment, Bank

bp = Blueprint("patient", __name__)


def own_assignment(assignment_id: int) -> Assignment:
    """The signed-in patient's assignment with this id; 404 for anyone else's."""
    assignment = db.session().scalar(
        sa.select(Assignment)
        .where(Assignment.id == assignment_id, Assignment.patient_id == current_user.id)
        .options(selectinload(Assignment.bank).selectinload(Bank.document))
    )
    if assignment is None:
        abort(404)
    return assignment
