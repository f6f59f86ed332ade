"""Views of the auth blueprint."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from quizapp import db
from quizapp.auth.forms import LoginForm, PasswordForm
from quizapp.models import Role, User
from quizapp.operations import users as user_ops
from quizapp.requests import audit
from quizapp.security.ratelimit import limiter, login_account_key
from quizapp.security.redirects import safe_next
from quizapp.security.roles import role_required
from quizapp.security.sessions import end_session, rotate_token, start_session

bp = Blueprint("auth", __name__)


def home_for(principal: object) -> str:
    """Where a principal lands after signing in."""
    if isinstance(principal, User):
        return url_for("admin.index" if principal.role == Role.ADMIN else "educator.dashboard")
    return url_for("patient.home")


def _login_limit() -> str:
    return current_app.config["QUIZAPP_LOGIN_LIMIT"]


def _account_limit() -> str:
    return current_app.config["QUIZAPP_LOGIN_ACCOUNT_LIMIT"]


@bp.route("/", methods=["GET"])
def index() -> ResponseReturnValue:
    """Send visitors to the right start page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("auth/index.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(
    _account_limit,
    methods=["POST"],
    key_func=login_account_key,
    deduct_when=lambda response: response.status_code != 302,
)
def login() -> ResponseReturnValue:
    """Staff sign-in with email and password."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        session = db.session()
        user = user_ops.authenticate(session, form.email.data or "", form.password.data or "")
        if user is None:
            audit("auth.login", target="staff", outcome="failed")
            session.commit()
            form.password.errors.append("That email and password do not match an active account.")
        else:
            start_session(user)
            audit("auth.login", target=f"user:{user.id}")
            session.commit()
            return redirect(safe_next(form.next.data, home_for(user)))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out here and everywhere: the session token is rotated."""
    if current_user.is_authenticated:
        principal = current_user._get_current_object()
        session = db.session()
        rotate_token(session, principal)
        audit("auth.logout", target=f"{principal.role}:{principal.id}")
        session.commit()
        was_patient = principal.role == Role.PATIENT
        end_session()
        if was_patient:
            return redirect(url_for("patient.start", done=1))
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.EDUCATOR)
def change_password() -> ResponseReturnValue:
    """Change one's own password; every other session of the account ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        session = db.session()
        user = current_user._get_current_object()
        if user_ops.authenticate(session, user.email, form.current.data or "") is None:
            form.current.errors.append("That is not your current password.")
        else:
            try:
                user_ops.set_password(session, user, form.new.data or "")
            except user_ops.AccountError as exc:
                form.new.errors.append(str(exc))
            else:
                audit("auth.password_change", target=f"user:{user.id}")
                session.commit()
                start_session(user)  # keep this browser signed in with the new token
                flash("Your password is changed. Other devices have been signed out.", "success")
                return redirect(home_for(user))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422
