"""``/healthz``: is the app up, and can it reach its database?"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from quizapp import db
from quizapp.security.ratelimit import limiter

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> ResponseReturnValue:
    """Report the database status as JSON; 503 when it cannot be reached."""
    try:
        with db.state().engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        log.error("healthz: database unreachable (%s)", type(exc).__name__)
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
