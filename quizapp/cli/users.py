"""``users``: staff accounts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from quizapp import db
from quizapp.operations import users as user_ops

group = AppGroup("users", help="Manage staff accounts.")


@group.command("create")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "educator"]),
    help="What the account may do.",
)
@click.option("--name", "display_name", default="", help="Name shown in the app.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="12 characters or more (prompted for when left out).",
)
def create(email: str, role: str, display_name: str, password: str) -> None:
    """Create a staff account."""
    session = db.session()
    try:
        user = user_ops.create_user(session, email, role, password, display_name)
    except user_ops.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"Created {user.role} account {user.email} (id {user.id}).")
