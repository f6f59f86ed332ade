"""``db``: migrations (and, later, backup and restore)."""

from __future__ import annotations

import click
from alembic import command
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup

from quizapp.migrate import alembic_config

group = AppGroup("db", help="Create, upgrade and downgrade the database schema.")


@group.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: the latest)."""
    command.upgrade(alembic_config(current_app), revision)
    click.echo(f"Database is at {revision}.")


@group.command("downgrade")
@click.argument("revision", default="-1")
def downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back; "base" removes every table)."""
    command.downgrade(alembic_config(current_app), revision)
    click.echo(f"Database downgraded to {revision}.")


@group.command("current")
def current() -> None:
    """Show the revision the database is at, and whether it is the latest."""
    config = alembic_config(current_app)
    with config.attributes["engine"].connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
    head = ScriptDirectory.from_config(config).get_current_head()
    if revision == head:
        click.echo(f"Database revision: {revision} (the latest).")
    else:
        click.echo(
            f"Database revision: {revision or 'none (empty database)'}; the latest is {head}. "
            "Run `flask --app wsgi db upgrade`."
        )
