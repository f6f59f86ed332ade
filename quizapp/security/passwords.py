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
#: A hash to compare against when the account does not exist, so timing does not reveal it: scrypt
#: with the parameters hash_password uses (tests/security/test_passwords.py checks they match).
#: Written out rather than computed at import, which cost every process (the CLI's, each
#: worker's) 0.1 s; it hashes a password nobody has, and the salt is no secret.
_DUMMY_HASH = (
    "scrypt:32768:8:1$O0NtE9aZWRaYC7AC$1a0860c2f5a480c81d431463c0cecba53ba39698135be5d087414ad1"
    "b8caf408af60b6dbe1d8697481f6fafefc304732e7506cce87602d6d4cc15eba8ae38d81"
)


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
