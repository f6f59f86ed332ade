"""Who is signed in: Flask-Login wiring, server-side session ending, idle and absolute timeouts.

The login cookie carries ``kind:id:session_token``. Logout and password change rotate the token in
the database, so a copy of an old cookie is refused even though its signature is valid.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import Flask, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from quizapp import db
from quizapp.models import Patient, User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.session_protection = None  # we rotate the session ourselves at login

#: Session keys this module owns.
LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
SIGNED_OUT_PATIENT = "_signed_out_patient"
#: Only refresh the "last seen" time this often, so a page view does not always rewrite the cookie.
SEEN_RESOLUTION = 60


#: The sign-in check runs on every request: its statements are built once.
_PRINCIPAL = {
    kind: sa.select(model).where(
        model.id == sa.bindparam("id"), model.session_token == sa.bindparam("token")
    )
    for kind, model in (("staff", User), ("patient", Patient))
}


@login_manager.user_loader
def load_principal(cookie_id: str) -> User | Patient | None:
    """Load the staff member or patient named by the cookie, if its token is still current."""
    kind, _, rest = cookie_id.partition(":")
    raw_id, _, token = rest.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    statement = _PRINCIPAL.get(kind)
    if statement is None:
        return None
    principal = db.session().scalar(statement, {"id": int(raw_id), "token": token})
    if principal is None or not principal.is_active:
        return None
    return principal


def start_session(principal: User | Patient) -> None:
    """Sign in: a brand-new session (no fixation), stamped for the timeouts."""
    session.clear()
    login_user(principal)
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session.permanent = False


def end_session() -> None:
    """Sign out of this browser (the caller rotates the token to end the others too)."""
    logout_user()
    session.clear()


def _check_timeouts() -> WerkzeugResponse | None:
    if request.endpoint in (None, "static", "health.healthz") or not current_user.is_authenticated:
        return None
    from flask import current_app

    now = int(time.time())
    idle = current_app.config["QUIZAPP_IDLE_TIMEOUT"]
    absolute = current_app.config["QUIZAPP_ABSOLUTE_TIMEOUT"]
    login_at = session.get(LOGIN_AT, 0)
    seen_at = session.get(SEEN_AT, 0)
    if now - seen_at > idle or now - login_at > absolute:
        was_patient = isinstance(current_user._get_current_object(), Patient)
        end_session()
        if was_patient:
            session[SIGNED_OUT_PATIENT] = True
            return redirect(url_for("patient.signed_out"))
        flash("You were signed out after a period of inactivity. Please sign in again.", "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if now - seen_at >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return None


def init_app(app: Flask) -> None:
    """Bind Flask-Login and the timeout check to the app."""
    login_manager.init_app(app)
    app.before_request(_check_timeouts)
