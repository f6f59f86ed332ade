"""The patient blueprint object and the lookup every patient page shares."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from quizapp import db
from quizapp.models import Assignment

bp = Blueprint("patient", __name__)


def own_assignment(assignment_id: int) -> Assignment:
    """The signed-in patient's assignment with this id; 404 for anyone else's."""
    assignment = db.session().scalar(
        sa.select(Assignment)
        .where(Assignment.id == assignment_id, Assignment.patient_id == current_user.id)
        # The bank in the same query; the document (its whole text) only when a page reads it.
        .options(joinedload(Assignment.bank))
    )
    if assignment is None:
        abort(404)
    return assignment
