"""SQLite under several workers (quizapp.sqlite_writes): writers queue on a lock file beside the
database (``<database>-writers``) before BEGIN IMMEDIATE and let go when their transaction ends,
however it ends, so a second writer starts as soon as the first is done instead of sleeping in
SQLite's busy handler; and the log is copied into the file by a thread of its own, never inside a
request's COMMIT. The queue only orders the waiting: SQLite's own lock still keeps the writes
safe, and nothing waits on the queue forever."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp import db, sqlite_writes
from quizapp.models import AuditEvent
from quizapp.operations import audit

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

_INSERT = sa.insert(AuditEvent.__table__)


@pytest.fixture
def engine(app) -> sa.Engine:
    return db.state(app).engine


@pytest.fixture
def queue_file(engine: sa.Engine) -> Path:
    return Path(f"{engine.url.database}-writers")


def queue_is_free(path: Path) -> bool:
    """Whether a newcomer could take the writers' turn right now."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing lets go of a lock taken here
    return True


def actions(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        table = AuditEvent.__table__
        return list(conn.execute(sa.select(table.c.action).order_by(table.c.id)).scalars())


@pytest.fixture
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in the middle of a write transaction (it holds the writers' turn)."""
    with engine.connect() as conn:
        conn.execute(_INSERT, audit.event("test.first"))
        yield conn


def test_a_writer_holds_the_queue_until_it_commits(writing, queue_file, engine):
    assert queue_file.exists()
    assert not queue_is_free(queue_file)
    writing.commit()
    assert queue_is_free(queue_file)
    assert actions(engine) == ["test.first"]


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_a_writer_lets_go_when_it_rolls_back_or_goes_back_to_the_pool(
    writing, queue_file, engine, end
):
    getattr(writing, end)()  # close: the pool rolls the transaction back
    assert queue_is_free(queue_file)
    assert actions(engine) == []


def test_a_second_writer_waits_its_turn_then_writes(writing, queue_file, engine):
    second_wrote = threading.Event()
    failures: list[BaseException] = []

    def second_writer() -> None:
        try:
            with engine.begin() as conn:
                conn.execute(_INSERT, audit.event("test.second"))
            second_wrote.set()
        except BaseException as exc:  # reported below
            failures.append(exc)

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not second_wrote.wait(0.3)  # waiting while the first is in its transaction
    writing.commit()
    thread.join(10)
    assert failures == []
    assert second_wrote.is_set()
    assert actions(engine) == ["test.first", "test.second"]  # both kept, in turn
    assert queue_is_free(queue_file)


def test_a_failed_begin_lets_go_of_the_queue(engine, queue_file):
    import sqlite3

    holder = sqlite3.connect(engine.url.database, isolation_level=None)  # outside the queue
    holder.execute("BEGIN IMMEDIATE")
    try:
        with engine.connect() as conn:
            conn.connection.dbapi_connection.execute("PRAGMA busy_timeout=50")
            with pytest.raises(sa.exc.OperationalError, match="database is locked"):
                conn.execute(_INSERT, audit.event("test.refused"))
            assert queue_is_free(queue_file)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert actions(engine) == []


def test_a_writer_never_waits_on_the_queue_past_the_busy_timeout(engine, queue_file, monkeypatch):
    """A process stuck holding only the lock file cannot stop every write: after the busy
    timeout a writer goes on, and SQLite's own lock decides."""
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 100)
    with engine.connect() as conn:  # makes the lock file
        conn.execute(sa.text("SELECT 1"))
        conn.rollback()
    stuck = os.open(queue_file, os.O_RDWR)
    fcntl.flock(stuck, fcntl.LOCK_EX)
    try:
        with engine.begin() as conn:
            conn.execute(_INSERT, audit.event("test.after-timeout"))
    finally:
        os.close(stuck)
    assert actions(engine) == ["test.after-timeout"]


def test_a_forked_worker_queues_on_its_own(engine, queue_file):
    """A connection made before a fork (gunicorn --preload) must not share its lock with the
    parent: the child opens the lock file again, and waits while the parent writes."""
    with engine.connect() as conn:
        conn.execute(_INSERT, audit.event("test.parent"))  # the parent holds the turn
        queue = conn.info[sqlite_writes.QUEUE]
        pid = os.fork()
        if pid == 0:  # the child: the same queue object, copied
            code = 1
            try:
                queue.wait_limit = 0.1
                queue.wait_turn()
                code = 0 if not queue.holding and queue.pid == os.getpid() else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0  # it waited, and never got the turn
        conn.commit()
    assert queue_is_free(queue_file)


def rows_in_the_database_file(path: str) -> list[str]:
    """The audit actions in the database file itself, ignoring what is still only in its log."""
    import sqlite3

    file = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return [row[0] for row in file.execute("SELECT action FROM audit_events ORDER BY id")]
    finally:
        file.close()


def test_the_log_is_copied_into_the_file_by_a_thread_of_its_own_every_so_many_commits(
    database_url, monkeypatch
):
    monkeypatch.setattr(sqlite_writes, "CHECKPOINT_EVERY_COMMITS", 3)
    engine = db.make_engine(database_url)  # counts its commits from here
    database = engine.url.database
    checkpointer = sqlite_writes.checkpointer(database)
    with engine.connect() as conn:
        # SQLite's own checkpoint (inside COMMIT) only as a backstop for a far longer log
        backstop = sqlite_writes.BACKSTOP_CHECKPOINT_PAGES
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == backstop
        conn.commit()
        conn.execute(_INSERT, audit.event("test.kept-in-the-log"))
        conn.commit()
        assert checkpointer.done == 0
        assert rows_in_the_database_file(database) == []  # still only in the log
        conn.execute(_INSERT, audit.event("test.copied"))
        conn.commit()  # the third: asks, and returns without waiting for the copy
    deadline = time.monotonic() + 10
    while checkpointer.done == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer.thread is not None
    assert checkpointer.thread.name == "quizapp-sqlite-checkpoint"
    assert rows_in_the_database_file(database) == ["test.kept-in-the-log", "test.copied"]
    assert actions(engine) == ["test.kept-in-the-log", "test.copied"]
    engine.dispose()


def test_a_reader_still_in_the_log_makes_the_checkpoint_give_up_starting_it_over(
    database_url, monkeypatch, caplog
):
    caplog.set_level(logging.INFO, logger="quizapp.sqlite_writes")
    monkeypatch.setattr(sqlite_writes, "CHECKPOINT_EVERY_COMMITS", 2)
    engine = db.make_engine(database_url)
    database = engine.url.database
    checkpointer = sqlite_writes.checkpointer(database)
    import sqlite3

    reader = sqlite3.connect(database, isolation_level=None)
    try:
        with engine.connect() as conn:
            conn.execute(_INSERT, audit.event("test.before-the-reader"))
            conn.commit()  # the first commit
            reader.execute("BEGIN")
            assert reader.execute("SELECT count(*) FROM audit_events").fetchone() == (1,)
            conn.execute(_INSERT, audit.event("test.asks"))
            conn.commit()  # the second: asks; RESTART waits 50 ms for the reader, then gives up
        deadline = time.monotonic() + 10
        while "not started over" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "sqlite log not started over: a reader was still in it" in caplog.text
        assert checkpointer.done == 0  # not counted as done
        with engine.begin() as conn:  # and writers go on
            conn.execute(_INSERT, audit.event("test.after"))
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert actions(engine) == ["test.before-the-reader", "test.asks", "test.after"]
    engine.dispose()


def test_the_lock_file_takes_the_database_files_permissions(database_url):
    database = sa.make_url(database_url).database
    os.chmod(database, 0o640)
    engine = db.make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(_INSERT, audit.event("test.made-the-file"))
    assert os.stat(f"{database}-writers").st_mode & 0o777 == 0o640
    engine.dispose()


def test_a_lock_file_that_cannot_be_opened_leaves_writes_working(database_url, caplog):
    database = sa.make_url(database_url).database
    os.symlink("/nonexistent/elsewhere", f"{database}-writers")  # refused: never followed
    engine = db.make_engine(database_url)
    with engine.begin() as conn:
        assert sqlite_writes.queue_of(conn) is None
        conn.execute(_INSERT, audit.event("test.without-a-queue"))
    assert actions(engine) == ["test.without-a-queue"]
    assert "no SQLite writers' queue" in caplog.text
    engine.dispose()
