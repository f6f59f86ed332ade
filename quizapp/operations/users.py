"""Creating and changing staff accounts."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.models import STAFF_ROLES, Role, User, utcnow
from quizapp.models.people import new_session_token
from quizapp.security.passwords import check_policy, hash_password, verify_password

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A staff-account change was refused; the message says why."""


def normalize_email(email: str) -> str:
    """Trimmed and lower-cased; raises AccountError when it is not an address."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise AccountError(f"{email or 'That'} is not a valid email address.")
    return email


def find_by_email(db: Session, email: str) -> User | None:
    """The staff account with this address, if any."""
    return db.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(db: Session, email: str, role: str, password: str, display_name: str = "") -> User:
    """Stage a new staff account after checking the address, role and password."""
    email = normalize_email(email)
    if role not in STAFF_ROLES:
        raise AccountError(f"Role must be one of: {', '.join(STAFF_ROLES)}.")
    if find_by_email(db, email) is not None:
        raise AccountError(f"An account for {email} already exists.")
    try:
        check_policy(password, email)
    except ValueError as exc:
        raise AccountError(f"Password refused: {exc}") from None
    user = User(
        email=email,
        role=role,
        password_hash=hash_password(password),
        display_name=display_name.strip(),
    )
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The active account matching these credentials, or None (same cost either way)."""
    user = find_by_email(db, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def set_password(db: Session, user: User, new_password: str) -> None:
    """Change the password and end every other session of this account."""
    try:
        check_policy(new_password, user.email)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    db.flush()


def end_all_sessions(db: Session, user: User) -> None:
    """Rotate the session token: every cookie issued before now stops working."""
    user.session_token = new_session_token()
    db.flush()


def _active_admin_ids(db: Session) -> list[int]:
    """Ids of the active administrators, their rows locked until commit (PostgreSQL) so two
    administrators cannot each remove the other at the same moment."""
    return list(
        db.scalars(
            sa.select(User.id)
            .where(User.role == Role.ADMIN, User.is_active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )
    )


def _keep_an_admin(db: Session, user: User, change: str) -> None:
    """Refuse to take away the last active administrator."""
    if user.role == Role.ADMIN and user.is_active and _active_admin_ids(db) == [user.id]:
        raise AccountError(
            f"You cannot {change} the last active administrator. Make another administrator first."
        )


def deactivate(db: Session, actor: User, user: User) -> None:
    """Stop ``user`` signing in and end their sessions; never oneself or the last admin."""
    if user.id == actor.id:
        raise AccountError("You cannot deactivate your own account.")
    _keep_an_admin(db, user, "deactivate")
    user.is_active = False
    user.session_token = new_session_token()
    db.flush()


def reactivate(db: Session, user: User) -> None:
    """Let a deactivated account sign in again (with its password as it was)."""
    user.is_active = True
    db.flush()


def reset_password(db: Session, actor: User, user: User, new_password: str) -> None:
    """Set a new password for someone else and sign them out everywhere."""
    if user.id == actor.id:
        raise AccountError("Change your own password on the Password page.")
    set_password(db, user, new_password)


def change_role(db: Session, actor: User, user: User, role: str) -> bool:
    """Give ``user`` another role and end their sessions; False when it is already theirs.

    Nobody demotes themselves, and the last active administrator stays one.
    """
    if role not in STAFF_ROLES:
        raise AccountError(f"Role must be one of: {', '.join(STAFF_ROLES)}.")
    if role == user.role:
        return False
    if user.id == actor.id:
        raise AccountError("You cannot change your own role.")
    _keep_an_admin(db, user, "demote")
    user.role = role
    user.session_token = new_session_token()
    db.flush()
    return True
