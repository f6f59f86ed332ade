"""Backing up and restoring the database.

SQLite uses its online backup API: a copy is taken in one step inside one read transaction, so it
is a consistent snapshot even while the app keeps writing (WAL readers never block writers).
Copying in several steps would restart whenever another connection writes, and could never
finish under load. PostgreSQL has pg_dump and pg_restore, which do this job better than we could.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from quizapp.paths import MIGRATIONS

SQLITE_HEADER = b"SQLite format 3\x00"
#: Tables every quizapp database has since the first migration.
QUIZAPP_TABLES = {"alembic_version", "users", "patients", "banks", "responses", "audit_events"}
BUSY_TIMEOUT_SECONDS = 15


class BackupError(RuntimeError):
    """A backup or restore was refused; the message says why and what to do instead."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str
    size: int


def postgres_advice(url: str | sa.URL) -> str:
    """How to back up and restore a PostgreSQL database with its own tools."""
    libpq = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    return (
        "This database is PostgreSQL: back it up and restore it with PostgreSQL's own tools.\n"
        f"  backup:  pg_dump --format=custom --file=FILE '{libpq}'\n"
        f"  restore: pg_restore --clean --if-exists --no-owner --dbname='{libpq}' FILE\n"
        "(a password, if any, goes in ~/.pgpass or PGPASSWORD, not on the command line)."
    )


def sqlite_file(url: str | sa.URL) -> Path:
    """The file of an SQLite database URL; BackupError for anything else."""
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "postgresql":
        raise BackupError(postgres_advice(sa_url))
    if sa_url.get_backend_name() != "sqlite":
        raise BackupError(
            f"Backups are supported for SQLite and PostgreSQL, not {sa_url.drivername}."
        )
    if sa_url.database in (None, "", ":memory:"):
        raise BackupError("This SQLite database lives in memory only; there is nothing to back up.")
    return Path(sa_url.database).resolve()


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    else:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
    conn.isolation_level = None  # we decide when transactions happen
    return conn


def _revision(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else ""


def _known_revisions() -> set[str]:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def backup(url: str | sa.URL, destination: Path) -> BackupInfo:
    """Copy the live SQLite database to ``destination`` (replaced atomically if it exists)."""
    source = sqlite_file(url)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}. Check DATABASE_URL.")
    destination = destination.resolve()
    if destination == source:
        raise BackupError("The backup file must not be the database itself. Choose another name.")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist. Create it first.")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    src, dst = _connect(source), _connect(partial)
    try:
        src.backup(dst)  # one step: a consistent snapshot (see the module docstring)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problem = _problems(dst)
        revision = _revision(dst)
    finally:
        src.close()
        dst.close()
    if problem:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed its check ({problem}); no backup was written.")
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, destination)
    return BackupInfo(destination, revision, destination.stat().st_size)


def _problems(conn: sqlite3.Connection) -> str:
    """What is wrong with an open quizapp database, or "" when it is sound."""
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        return "integrity check: " + "; ".join(result[:3])
    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
        return "rows point at rows that do not exist"
    return ""


def check_backup(path: Path) -> str:
    """The revision of a usable quizapp backup file; BackupError saying what is wrong otherwise."""
    refusal = f"Nothing was restored: {path}"
    if not path.is_file():
        raise BackupError(f"{refusal} does not exist.")
    with open(path, "rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise BackupError(f"{refusal} is not an SQLite database (not a quizapp backup).")
    try:
        conn = _connect(path, read_only=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{refusal} cannot be opened ({exc}).") from None
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not QUIZAPP_TABLES <= tables:
            raise BackupError(f"{refusal} is an SQLite database, but not a quizapp one.")
        problem = _problems(conn)
        if problem:
            raise BackupError(f"{refusal} is damaged ({problem}).")
        revision = _revision(conn)
    except sqlite3.Error as exc:
        raise BackupError(f"{refusal} is damaged ({exc}).") from None
    finally:
        conn.close()
    if revision not in _known_revisions():
        raise BackupError(
            f"{refusal} comes from a newer quizapp (schema revision {revision or 'none'}). "
            "Upgrade quizapp first, then restore."
        )
    return revision


def restore(url: str | sa.URL, source: Path) -> BackupInfo:
    """Replace the SQLite database's contents with the backup at ``source``, after checking it."""
    target = sqlite_file(url)
    source = source.resolve()
    if source == target:
        raise BackupError("That file is the database itself. Choose a backup file.")
    revision = check_backup(source)
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist. Create it first.")
    src, dst = _connect(source, read_only=True), _connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        src.close()
        dst.close()
    return BackupInfo(target, revision, target.stat().st_size)
