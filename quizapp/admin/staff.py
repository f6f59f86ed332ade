"""Admin views of staff accounts: list, create, change role, reset password, deactivate.

Every change needs a recent sign-in (``fresh_login_required``), is audited, and signs the
changed account out everywhere by rotating its session token.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from quizapp import db
from quizapp.admin.blueprint import bp
from quizapp.models import Role, User
from quizapp.operations import users as user_ops
from quizapp.requests import audit
from quizapp.security.fresh import fresh_login_required
from quizapp.security.passwords import MIN_PASSWORD_LENGTH, WeakPasswordError, check_policy
from quizapp.security.roles import role_required

ROLE_CHOICES = [
    SelectChoice(Role.EDUCATOR.value, "Educator: enrols patients and reads their results"),
    SelectChoice(Role.ADMIN.value, "Administrator: manages banks, staff and the audit log"),
]
PASSWORD_LABEL = f"Password ({MIN_PASSWORD_LENGTH} characters or more)"
ROLE_NAMES = {Role.ADMIN.value: "administrator", Role.EDUCATOR.value: "educator"}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class PasswordFields(FlaskForm):
    password = PasswordField(
        PASSWORD_LABEL, validators=[DataRequired("Enter a password."), Length(max=200)]
    )
    confirm = PasswordField(
        "Password again",
        validators=[
            DataRequired("Enter the password again."),
            EqualTo("password", "The two passwords differ."),
        ],
    )
    #: Whose password it is, so the policy can refuse one made from their address.
    policy_email = ""

    def validate_password(self, field: PasswordField) -> None:
        try:
            check_policy(field.data or "", self.policy_email)
        except WeakPasswordError as exc:
            raise ValidationError(str(exc)) from None


class StaffForm(PasswordFields):
    email = EmailField(
        "Email", validators=[DataRequired("Enter their email address.")], filters=[_strip]
    )
    display_name = StringField(
        "Name (optional)",
        validators=[Length(max=120, message="Use 120 characters or fewer.")],
        filters=[_strip],
    )
    role = SelectField("Role", choices=ROLE_CHOICES)

    def validate_email(self, field: EmailField) -> None:
        try:
            field.data = user_ops.normalize_email(field.data or "")
        except user_ops.AccountError as exc:
            raise ValidationError(str(exc)) from None


class ResetForm(PasswordFields):
    pass


class RoleForm(FlaskForm):
    role = SelectField("New role", choices=ROLE_CHOICES)


def _user_or_404(user_id: int) -> User:
    user = db.session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _me() -> User:
    return db.session().get(User, current_user.id)


@bp.get("/staff")
@role_required(Role.ADMIN)
def staff() -> ResponseReturnValue:
    """Every staff account: role, whether active, and last sign-in."""
    users = db.session().scalars(sa.select(User).order_by(User.role, User.email)).all()
    return render_template("admin/staff.html", users=users, role_names=ROLE_NAMES)


@bp.route("/staff/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@fresh_login_required()
def staff_new() -> ResponseReturnValue:
    """Create a staff account with a first password that meets the policy."""
    form = StaffForm()
    form.policy_email = (form.email.data or "").strip().lower()  # the password must not hold it
    if form.validate_on_submit():
        dbs = db.session()
        if user_ops.find_by_email(dbs, form.email.data) is not None:
            form.email.errors.append(f"An account for {form.email.data} already exists.")
        else:
            try:
                user = user_ops.create_user(
                    dbs, form.email.data, form.role.data, form.password.data, form.display_name.data
                )
            except (user_ops.AccountError, sa.exc.IntegrityError):  # made meanwhile
                dbs.rollback()
                form.email.errors.append(f"An account for {form.email.data} already exists.")
            else:
                audit("staff.create", target=f"user:{user.id} role:{user.role}")
                dbs.commit()
                flash(
                    f"Account created for {user.email}. Give them the password in person; "
                    "they can change it on the Password page.",
                    "success",
                )
                return redirect(url_for("admin.staff_detail", user_id=user.id))
    return render_template("admin/staff_new.html", form=form), 422 if form.errors else 200


def _detail(user: User, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """The account page with its three forms, some of them carrying errors."""
    return render_template(
        "admin/staff_user.html",
        user=user,
        is_me=user.id == current_user.id,
        role_names=ROLE_NAMES,
        role_form=forms.get("role_form") or RoleForm(formdata=None, role=user.role),
        reset_form=forms.get("reset_form") or ResetForm(formdata=None),
        action_error=forms.get("action_error", ""),
    ), status


@bp.get("/staff/<int:user_id>")
@role_required(Role.ADMIN)
@fresh_login_required()
def staff_detail(user_id: int) -> ResponseReturnValue:
    """One staff account, with forms to change its role or password and to deactivate it."""
    return _detail(_user_or_404(user_id))


@bp.post("/staff/<int:user_id>/role")
@role_required(Role.ADMIN)
@fresh_login_required()
def staff_role(user_id: int) -> ResponseReturnValue:
    """Give a staff member another role; they are signed out everywhere."""
    user, form = _user_or_404(user_id), RoleForm()
    if not form.validate_on_submit():
        return _detail(user, 422, role_form=form)
    dbs = db.session()
    try:
        changed = user_ops.change_role(dbs, _me(), user, form.role.data)
    except user_ops.AccountError as exc:
        return _refused(user, "staff.role_change", str(exc), role_form=form, field=form.role)
    if changed:
        audit("staff.role_change", target=f"user:{user.id} role:{user.role}")
        dbs.commit()
        flash(f"{user.email} is now an {ROLE_NAMES[user.role]}. They were signed out.", "success")
    else:
        flash(f"{user.email} already has that role.", "info")
    return redirect(url_for("admin.staff_detail", user_id=user.id))


@bp.post("/staff/<int:user_id>/password")
@role_required(Role.ADMIN)
@fresh_login_required()
def staff_password(user_id: int) -> ResponseReturnValue:
    """Set a new password for a staff member; they are signed out everywhere."""
    user, form = _user_or_404(user_id), ResetForm()
    form.policy_email = user.email
    if not form.validate_on_submit():
        return _detail(user, 422, reset_form=form)
    dbs = db.session()
    try:
        user_ops.reset_password(dbs, _me(), user, form.password.data)
    except user_ops.AccountError as exc:
        return _refused(
            user, "staff.password_reset", str(exc), reset_form=form, field=form.password
        )
    audit("staff.password_reset", target=f"user:{user.id}")
    dbs.commit()
    flash(
        f"New password set for {user.email}. They were signed out; tell them in person.", "success"
    )
    return redirect(url_for("admin.staff_detail", user_id=user.id))


@bp.post("/staff/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
@fresh_login_required()
def staff_deactivate(user_id: int) -> ResponseReturnValue:
    """Stop a staff member signing in; their open sessions end now."""
    user = _user_or_404(user_id)
    dbs = db.session()
    try:
        user_ops.deactivate(dbs, _me(), user)
    except user_ops.AccountError as exc:
        return _refused(user, "staff.deactivate", str(exc))
    audit("staff.deactivate", target=f"user:{user.id}")
    dbs.commit()
    flash(f"{user.email} is deactivated and signed out. Reactivate to let them back.", "success")
    return redirect(url_for("admin.staff_detail", user_id=user.id))


@bp.post("/staff/<int:user_id>/reactivate")
@role_required(Role.ADMIN)
@fresh_login_required()
def staff_reactivate(user_id: int) -> ResponseReturnValue:
    """Let a deactivated staff member sign in again."""
    user = _user_or_404(user_id)
    dbs = db.session()
    user_ops.reactivate(dbs, user)
    audit("staff.reactivate", target=f"user:{user.id}")
    dbs.commit()
    flash(f"{user.email} can sign in again.", "success")
    return redirect(url_for("admin.staff_detail", user_id=user.id))


def _refused(
    user: User, action: str, message: str, field: Any = None, **forms: Any
) -> ResponseReturnValue:
    """Audit a refused change and show why, beside the field (or the button) concerned."""
    dbs = db.session()
    dbs.rollback()
    audit(action, target=f"user:{user.id}", outcome="refused")
    dbs.commit()
    if field is not None:
        field.errors = [*field.errors, message]
    return _detail(dbs.get(User, user.id), 422, action_error="" if field else message, **forms)
