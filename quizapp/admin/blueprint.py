"""The admin blueprint object, shared by the modules that add its views."""

from __future__ import annotations

from flask import Blueprint

from quizapp.domain.kinds import KINDS
from quizapp.domain.readability import MAX_GRADE

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.context_processor
def _admin_template_values() -> dict:
    return {"max_grade": MAX_GRADE, "kinds": KINDS}
