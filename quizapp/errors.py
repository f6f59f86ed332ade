"""Friendly error pages, in plain words, for every error a person can meet."""

from __future__ import annotations

import logging
import traceback

import sqlalchemy as sa
from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quizapp import db
from quizapp.security.sessions import ClaimedPatient

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something was wrong with that request", "Please go back and try again."),
    403: ("You cannot open this page", "Your account does not give access to it."),
    404: ("Page not found", "The page may have moved, or the address may be mistyped."),
    405: ("That did not work", "Please go back and use the buttons on the page."),
    413: ("That file is too large", "Please choose a smaller file."),
    429: (
        "Too many tries",
        "Please wait a minute, then try again. If you are stuck, ask your educator for help.",
    ),
    500: ("Something went wrong on our side", "Nothing you did caused this. Please try again."),
    503: ("quizapp is busy", "Please try again in a minute."),
}


def render_error(code: int, detail: str | None = None) -> ResponseReturnValue:
    """Render the error page for ``code``."""
    title, advice = MESSAGES.get(code, MESSAGES[500])
    return render_template(
        "errors/error.html", code=code, title=title, advice=detail or advice
    ), code


def _on_http_error(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    principal = current_user._get_current_object() if current_user else None
    checked = principal is not None and not isinstance(principal, ClaimedPatient)
    if code in (403, 404) and checked and principal.is_authenticated:
        from quizapp.requests import audit

        session = db.session()
        session.rollback()
        audit("access.denied", target=f"path:{request.path[:100]}", outcome=str(code))
        session.commit()
    return render_error(code)


def _on_csrf_error(exc: CSRFError) -> ResponseReturnValue:
    return render_error(
        400,
        "This form had expired or was sent twice. Please go back, reload the page, and try again.",
    )


def _on_unexpected(exc: Exception) -> ResponseReturnValue:
    db.request_failed()
    if isinstance(exc, sa.exc.DBAPIError):
        # The database's own message can quote the row it refused (PostgreSQL's DETAIL: a name,
        # a token): the log gets the kind of error and where it happened, not its words.
        orig = exc.orig
        code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
        log.error(
            "unhandled database error on %s %s: %s (%s)\n%s",
            request.method,
            request.endpoint,
            type(orig).__name__,
            code,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
    else:
        log.exception("unhandled error on %s %s", request.method, request.endpoint)
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _on_csrf_error)
    app.register_error_handler(HTTPException, _on_http_error)
    if not app.config["TESTING"] or app.config.get("QUIZAPP_FRIENDLY_500_IN_TESTS"):
        app.register_error_handler(Exception, _on_unexpected)
