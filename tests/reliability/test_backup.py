"""``db backup`` and ``db restore``: SQLite's online backup taken under write load, restored whole;
files that are not a sound quizapp backup are refused and change nothing; PostgreSQL is pointed
at pg_dump and pg_restore."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from quizapp import backup as backups
from quizapp import create_app, db
from tests.conftest import base_config
from tests.reliability.server import flask_cli

#: Rows in the database before the writer starts: enough to make the copy take a while.
BIG = 50_000
MAX_WRITES = 100_000
AUDIT_INSERT = (
    "INSERT INTO audit_events (at, action, target, outcome, ip) "
    "VALUES ('2026-01-01 00:00:00.000000', ?, ?, 'ok', '127.0.0.1')"
)


@pytest.fixture
def live_db(tmp_path: Path, sqlite_template: Path) -> Path:
    """A migrated SQLite database file with a few rows in it."""
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    seed(path, 100)
    return path


def seed(path: Path, rows: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.executemany(AUDIT_INSERT, (("load.seed", f"seed:{n}") for n in range(rows)))
    conn.close()


@pytest.fixture
def runner_on(live_db: Path):
    app = create_app(base_config(f"sqlite:///{live_db}"))
    yield app.test_cli_runner()
    db.dispose(app)


def written(path: Path) -> list[int]:
    """The numbers of the writer's rows in the database at ``path``, in id order."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT target FROM audit_events WHERE action = 'load.write' ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    return [int(target.split(":")[1]) for (target,) in rows]


def verdict(path: Path) -> tuple[list[str], list]:
    conn = sqlite3.connect(path)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return integrity, foreign


def digest(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


class Writer(threading.Thread):
    """Appends numbered audit rows, one transaction each, until stopped (bounded in count and
    time)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path, self.count, self.stop = path, 0, threading.Event()
        self.longest_wait = 0.0

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        deadline = time.monotonic() + 90
        try:
            while not self.stop.is_set() and self.count < MAX_WRITES:
                if time.monotonic() > deadline:
                    break
                began = time.monotonic()
                conn.execute(AUDIT_INSERT, ("load.write", f"write:{self.count}"))
                self.longest_wait = max(self.longest_wait, time.monotonic() - began)
                self.count += 1
        finally:
            conn.close()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while self.count < count and time.monotonic() < deadline and self.is_alive():
            time.sleep(0.01)
        assert self.count >= count, "the writer stalled"


def test_backup_taken_under_write_load_restores_a_consistent_prefix(runner_on, live_db, tmp_path):
    seed(live_db, BIG)
    url = f"sqlite:///{live_db}"
    copy = tmp_path / "backups" / "quizapp-backup.db"
    copy.parent.mkdir()
    writer = Writer(live_db)
    writer.start()
    try:
        writer.wait_for(50)
        before = writer.count
        made = flask_cli(url, "db", "backup", str(copy))
        after = writer.count
        writer.wait_for(after + 50)  # the app's writes go on after the backup, too
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert made.returncode == 0, made.stderr
    assert f"Backed up to {copy}" in made.stdout
    assert writer.longest_wait < 5, "the backup held up the writer"

    snapshot = written(copy)
    assert snapshot == list(range(len(snapshot))), "the backup is not a prefix of the writes"
    assert before <= len(snapshot) <= after < writer.count
    assert verdict(copy) == (["ok"], [])
    assert not copy.with_name(copy.name + "-wal").exists()  # one self-contained file

    restored = runner_on.invoke(args=["db", "restore", "--yes", str(copy)])
    assert restored.exit_code == 0, restored.output
    assert f"Restored {copy} into {live_db}" in restored.output
    assert written(live_db) == snapshot  # the later writes are gone, the earlier all there
    assert verdict(live_db) == (["ok"], [])
    assert "(the latest)" in runner_on.invoke(args=["db", "current"]).output


def damaged(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.seek(3 * 4096)
        handle.write(b"\xa5" * 3 * 4096)


def newer(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()


def other_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.close()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_text("users,patients\n1,2\n"), "is not an SQLite database"),
        (lambda p: p.write_bytes(b""), "is not an SQLite database"),
        (lambda p: None, "does not exist"),
        (other_sqlite, "is an SQLite database, but not a quizapp one"),
        ("backup", "is damaged"),
        ("backup-newer", "comes from a newer quizapp (schema revision 9999_from_the_future)"),
    ],
    ids=["text", "empty", "missing", "other-sqlite", "damaged", "newer"],
)
def test_restore_refuses_what_is_not_a_sound_quizapp_backup(
    runner_on, live_db, tmp_path, make, message
):
    candidate = tmp_path / "candidate.db"
    if isinstance(make, str):
        backups.backup(f"sqlite:///{live_db}", candidate)
        (damaged if make == "backup" else newer)(candidate)
    else:
        make(candidate)
    before = digest(live_db)
    result = runner_on.invoke(args=["db", "restore", "--yes", str(candidate)])
    assert result.exit_code == 1
    assert "Nothing was restored" in result.output and message in result.output
    assert digest(live_db) == before


def test_restore_asks_first_and_no_changes_nothing(runner_on, live_db, tmp_path):
    copy = tmp_path / "copy.db"
    assert runner_on.invoke(args=["db", "backup", str(copy)]).exit_code == 0
    with sqlite3.connect(live_db) as conn:
        conn.execute(AUDIT_INSERT, ("load.write", "write:after-backup"))
    conn.close()
    before = digest(live_db)
    result = runner_on.invoke(args=["db", "restore", str(copy)], input="n\n")
    assert result.exit_code == 1 and "Replace every row of" in result.output
    assert digest(live_db) == before


def test_postgresql_backup_and_restore_point_to_pg_dump_and_pg_restore(postgres_url, tmp_path):
    app = create_app(base_config(postgres_url))
    runner = app.test_cli_runner()
    copy = tmp_path / "pg.dump"
    try:
        made = runner.invoke(args=["db", "backup", str(copy)])
        restored = runner.invoke(args=["db", "restore", "--yes", str(copy)])
    finally:
        db.dispose(app)
    assert made.exit_code == 1 and restored.exit_code == 1
    assert "pg_dump --format=custom --file=FILE 'postgresql://postgres@127.0.0.1" in made.output
    assert "pg_restore --clean --if-exists --no-owner --dbname=" in restored.output
    assert not copy.exists()
