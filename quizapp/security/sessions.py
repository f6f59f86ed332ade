"""Who is signed in: Flask-Login wiring, server-side session ending, idle and absolute timeouts.

The login cookie carries ``kind:id:session_token``. Logout and password change rotate the token in
the database, so a copy of an old cookie is refused even though its signature is valid.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import sqlalchemy as sa
from flask import Flask, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from quizapp import db
from quizapp.models import Patient, Role, User
from quizapp.models.people import new_session_token
from quizapp.security.session_cookie import CheckedCookieSessions

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.session_protection = None  # we rotate the session ourselves at login
# Flask-Login fingerprints the browser (a SHA-512 of its address and User-Agent) on every request
# and at sign-in, and only its session protection reads it: with that off, it is not computed.
login_manager._session_identifier_generator = lambda: ""  # type: ignore[method-assign]

#: Session keys this module owns.
LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
SIGNED_OUT_PATIENT = "_signed_out_patient"
#: The session key where Flask-Login keeps its fingerprint of the browser.
FLASK_LOGIN_FINGERPRINT = "_id"
#: Only refresh the "last seen" time this often, so a page view does not always rewrite the cookie.
SEEN_RESOLUTION = 60


@dataclass(frozen=True, slots=True)
class PatientPrincipal:
    """A signed-in patient as their pages see them: three columns, read by the sign-in check on
    every request with a Core statement. (Loading a Patient through the ORM, and closing a session
    that holds it, was about a quarter of the question page's time.) Staff stay ORM Users: their
    pages pass them to operations."""

    id: int
    display_name: str
    session_token: str

    role: ClassVar[Role] = Role.PATIENT
    is_active: ClassVar[bool] = True
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    def get_id(self) -> str:
        return f"patient:{self.id}:{self.session_token}"


@dataclass(frozen=True, slots=True)
class ClaimedPatient(PatientPrincipal):
    """A patient taken on the signed cookie's word, before any check of its session token: what
    a page's sign-in check may return when the page's own first statement checks the token (the
    answer on PostgreSQL, see quizapp.patient.answer_in_one), which then replaces it with
    ``set_principal``. Until then nothing may act for this patient: auditing refuses it, and an
    error page treats it as nobody."""


#: The sign-in check runs on every request: its statements are built once.
_STAFF = sa.select(User).where(
    User.id == sa.bindparam("id"), User.session_token == sa.bindparam("token")
)
#: A patient with their current token: the columns of a PatientPrincipal (pages that fold the
#: check into their own query add theirs to it).
PATIENT_SIGN_IN = sa.select(Patient.id, Patient.display_name, Patient.session_token).where(
    Patient.id == sa.bindparam("patient_id"), Patient.session_token == sa.bindparam("token")
)


#: Patient pages whose own first query is also their sign-in check: endpoint -> check.
PatientCheck = Callable[[int, str], PatientPrincipal | None]
_PAGE_CHECKS: dict[str, PatientCheck] = {}


def sign_in_check_for(*endpoints: str) -> Callable[[PatientCheck], PatientCheck]:
    """Make ``check(patient_id, token)`` the sign-in check of a patient on ``endpoints``, in place
    of the usual query: the busiest pages (a question, its answer) fold the check into their own
    first query, one statement instead of two. ``check`` must return the patient only when
    ``token`` is their current one, as ``load_principal`` does."""

    def register(check: PatientCheck) -> PatientCheck:
        for endpoint in endpoints:
            _PAGE_CHECKS[endpoint] = check
        return check

    return register


@login_manager.user_loader
def load_principal(cookie_id: str) -> User | PatientPrincipal | None:
    """Load the staff member or patient named by the cookie, if its token is still current."""
    kind, _, rest = cookie_id.partition(":")
    raw_id, _, token = rest.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    principal_id = int(raw_id)
    if kind == "patient":
        check = _PAGE_CHECKS.get(request.endpoint or "")
        if check is not None:
            return check(principal_id, token)
        params = {"patient_id": principal_id, "token": token}
        row = db.connection().execute(PATIENT_SIGN_IN, params).first()  # Core: no ORM work
        return None if row is None else PatientPrincipal(*row)
    if kind == "staff":
        user = db.session().scalar(_STAFF, {"id": principal_id, "token": token})
        if user is not None and user.is_active:
            return user
    return None


def set_principal(principal: PatientPrincipal | None) -> None:
    """Make ``principal`` (None: nobody) who is signed in for the rest of this request: for a page
    whose own statement checked the session token of a ``ClaimedPatient``."""
    login_manager._update_request_context_with_user(principal)


def rotate_token(db_session: sa.orm.Session, principal: User | Patient | PatientPrincipal) -> None:
    """End every session of ``principal`` (all browsers): their cookies name the old token."""
    model = User if principal.role != Role.PATIENT else Patient
    db_session.execute(
        sa.update(model).where(model.id == principal.id).values(session_token=new_session_token())
    )


def start_session(principal: User | Patient) -> None:
    """Sign in: a brand-new session (no fixation), stamped for the timeouts."""
    session.clear()  # and so not permanent: the cookie ends with the browser
    login_user(principal)
    # Flask-Login's browser fingerprint (a 128-character hash) is only read by its session
    # protection, which is off here (tokens rotate instead): the cookie goes without it.
    session.pop(FLASK_LOGIN_FINGERPRINT, None)
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


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
        was_patient = current_user.role == Role.PATIENT
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
    """Bind Flask-Login and the timeout check to the app; its session cookies are checked once
    per worker (see quizapp.security.session_cookie)."""
    if app.config.get("SESSION_PROTECTION"):  # it would compare every session's fingerprint to ""
        raise RuntimeError(
            "SESSION_PROTECTION is not supported: sessions are ended by rotating their token "
            "(see quizapp.security.sessions); remove the setting"
        )
    app.session_interface = CheckedCookieSessions()
    login_manager.init_app(app)
    app.before_request(_check_timeouts)
