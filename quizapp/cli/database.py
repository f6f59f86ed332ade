"""``db``: migrations, backup and restore."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup

from quizapp import backup as backups
from quizapp.migrate import alembic_config

group = AppGroup("db", help="Upgrade, downgrade, back up and restore the database.")


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


@group.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Copy the SQLite database to FILE while the app keeps running (PostgreSQL: use pg_dump)."""
    try:
        info = backups.backup(current_app.config["DATABASE_URL"], file)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up to {info.path} ({info.size:,} bytes, schema revision {info.revision}).")


@group.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(file: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup FILE (PostgreSQL: use pg_restore).

    The file is checked first; a file that is not a sound quizapp backup changes nothing.
    Stop the app before restoring, and start it again afterwards.
    """
    url = current_app.config["DATABASE_URL"]
    try:
        target = backups.sqlite_file(url)
        backups.check_backup(file)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if not yes:
        click.confirm(f"Replace every row of {target} with the backup {file}?", abort=True)
    try:
        info = backups.restore(url, file)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {file} into {info.path} (schema revision {info.revision}).")
    if info.revision != ScriptDirectory.from_config(alembic_config(current_app)).get_current_head():
        click.echo("The backup is from an older version: run `flask --app wsgi db upgrade` now.")
