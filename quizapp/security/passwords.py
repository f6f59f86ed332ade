"""Password hashing (scrypt, unique salt per hash) and the password policy."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS = {
    "password1234",
    "123456789012",
    "qwertyuiopas",
    "passwordpassword",
    "letmeinletmein",
    "changemechangeme",
    "administrator",
    "iloveyou1234",
}
#: A hash to compare against when the account does not exist, so timing does not reveal it.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0", method="scrypt")


class WeakPasswordError(ValueError):
    """The password does not meet the policy; the message says what is needed."""


def check_policy(password: str, email: str = "") -> None:
    """Raise WeakPasswordError unless the password is long enough and not an obvious one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 5:
        raise WeakPasswordError("This password is too easy to guess. Try a short sentence.")
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in password.lower():
        raise WeakPasswordError("Do not use your email address in your password.")


def hash_password(password: str) -> str:
    """A salted scrypt hash."""
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; takes the same time when there is no account."""
    if not password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
