"""``flask users create``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp.models import User


def test_creates_an_account_that_can_sign_in(runner, client, dbs, login):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Nurse@Example.org",
            "--role",
            "educator",
            "--password",
            "a long passphrase",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created educator account nurse@example.org" in result.output
    user = dbs.scalar(sa.select(User))
    assert user.email == "nurse@example.org" and user.password_hash.startswith("scrypt:")
    assert login(client, user, password="a long passphrase").status_code == 302


def test_prompts_for_the_password_when_left_out(runner, dbs):
    result = runner.invoke(
        args=["users", "create", "--email", "a.admin@example.org", "--role", "admin"],
        input="a long passphrase\na long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert dbs.scalar(sa.select(User.role)) == "admin"


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--email", "not-an-email", "--role", "admin", "--password", "a long passphrase"],
            "not a valid email",
        ),
        (
            ["--email", "x@example.org", "--role", "patient", "--password", "a long passphrase"],
            "Invalid value for '--role'",
        ),
        (
            ["--email", "x@example.org", "--role", "admin", "--password", "short"],
            "at least 12 characters",
        ),
        (
            ["--email", "x@example.org", "--role", "admin", "--password", "aaaaaaaaaaaaaaa"],
            "too easy to guess",
        ),
    ],
)
def test_bad_arguments_get_a_clear_error_and_create_nothing(runner, dbs, args, message):
    result = runner.invoke(args=["users", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert dbs.scalar(sa.select(sa.func.count(User.id))) == 0


def test_duplicate_email_is_refused(runner, make_user):
    user = make_user()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            user.email.upper(),
            "--role",
            "admin",
            "--password",
            "a long passphrase",
        ]
    )
    assert result.exit_code == 1
    assert f"An account for {user.email} already exists" in result.output
