"""SQLite under several workers: writers take turns on a lock file, and the log is copied into the
database file by a thread of its own, never inside a request's COMMIT.

SQLite alone makes a second writer sleep in its busy handler, 1, 2, 5, 10 ms and more at a time,
however short the first writer's transaction is; and its automatic checkpoint runs inside the
COMMIT that crosses the limit, so that request (and, with the queue, every writer behind it)
waits for 40 MB to be copied and synced. Under load those were most of an answer's time.

Neither part is needed for safety: SQLite's own lock still keeps writes safe, and a checkpoint can
be cut off at any point. Only waiting and who pays for the copy change.
"""

from __future__ import annotations

import errno
import fcntl
import itertools
import logging
import os
import sqlite3
import threading
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

log = logging.getLogger(__name__)

#: Writers check the lock file this often at first, and at most this rarely.
POLL_FIRST_SECONDS = 0.00005
POLL_MAX_SECONDS = 0.001
#: Ask for a checkpoint after this many commits of a process (an answer adds about 15 pages to the
#: log: about 30 MB). Not SQLite's every 4 MB: the pages every answer touches (index edges, the
#: audit table's last page) are copied once per checkpoint, so fewer checkpoints copy (and sync)
#: far less. (Counting commits needs no look at the log's files: opening and closing one of them
#: here would drop SQLite's own locks on it, which are per process.)
CHECKPOINT_EVERY_COMMITS = 500
#: How long a checkpoint waits for its turn among writers, and for readers to leave the log.
RESTART_WAIT_SECONDS = 1.0
#: A checkpoint thread with nothing to do for this long ends (a new one starts when needed).
CHECKPOINTER_IDLE_SECONDS = 60.0
#: ``conn.info`` key of an SQLite connection's place in the writers' queue.
QUEUE = "quizapp_writers_queue"


class WritersQueue:
    """One connection's place in the queue of writers to a database file, across threads and
    processes: an exclusive ``flock`` on ``<database>-writers``, taken before BEGIN IMMEDIATE and
    let go once the transaction has ended. A writer checks the lock every 50 µs at first (up to
    1 ms), so it starts about when the one before it ends. It never waits longer than
    ``wait_limit`` seconds (the busy timeout): then SQLite's own lock decides, with its
    "database is locked" error. A process that dies lets go of its lock."""

    def __init__(self, database: str, wait_limit: float) -> None:
        self.database = database
        self.wait_limit = wait_limit
        self.pid = os.getpid()
        self.fd = os.open(f"{database}-writers", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self.holding = False

    def wait_turn(self) -> None:
        if self.pid != os.getpid():  # a forked copy would share its parent's lock: its own file
            self.__init__(self.database, self.wait_limit)  # type: ignore[misc]
        delay, waited = POLL_FIRST_SECONDS, 0.0
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or waited >= self.wait_limit:
                    return  # no queue after all: SQLite's own lock decides
                time.sleep(delay)
                waited += delay
                delay = min(delay * 2, POLL_MAX_SECONDS)
                continue
            self.holding = True
            return

    def let_go(self) -> None:
        if self.holding:
            self.holding = False
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.let_go()
        os.close(self.fd)


def queue_of(conn: sa.Connection) -> WritersQueue | None:
    """The writers' queue of ``conn`` (None: an in-memory database, or another engine)."""
    return conn.info.get(QUEUE)


class Checkpointer:
    """One per process and database file: a daemon thread that copies the log into the file
    (PASSIVE: what it can, without waiting for readers or writers) when asked, on a connection
    of its own. Started on first use, again after a fork, and ends when idle for a while."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.wanted = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        #: Checkpoints done by this process (tests read it).
        self.done = 0

    def ask(self) -> None:
        with self.lock:
            self.wanted.set()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name="quizapp-sqlite-checkpoint", daemon=True
                )
                self.thread.start()

    def _run(self) -> None:
        wanted = self.wanted
        connection = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout={int(RESTART_WAIT_SECONDS * 1000)}")
        queue = WritersQueue(self.database, RESTART_WAIT_SECONDS)
        try:
            while True:
                if not wanted.wait(CHECKPOINTER_IDLE_SECONDS):
                    with self.lock:
                        if not wanted.is_set():  # idle: end; ask() starts a new thread
                            self.thread = None
                            return
                wanted.clear()
                self.copy(connection, queue)
        finally:
            queue.close()
            connection.close()

    def copy(self, connection: sqlite3.Connection, queue: WritersQueue) -> None:
        """Copy the log into the file, blocking no one (PASSIVE); then, in the writers' queue,
        start the log over (RESTART: it waits for readers of the log to finish, a moment).
        Without the restart a busy database's log only grows (readers never all leave it at
        once), and every read looks through more of it."""
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            queue.wait_turn()
            try:
                connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
            finally:
                queue.let_go()
        except sqlite3.Error as exc:  # busy with another checkpoint, or the file is gone
            log.warning("sqlite checkpoint skipped: %s", exc)
        else:
            self.done += 1


_CHECKPOINTERS: dict[str, Checkpointer] = {}
_CHECKPOINTERS_LOCK = threading.Lock()


def _after_fork_in_child() -> None:
    """Threads do not survive a fork, and a lock held by one at that moment would stay held."""
    global _CHECKPOINTERS_LOCK
    _CHECKPOINTERS_LOCK = threading.Lock()
    for found in _CHECKPOINTERS.values():
        found.lock, found.wanted, found.thread = threading.Lock(), threading.Event(), None


os.register_at_fork(after_in_child=_after_fork_in_child)


def checkpointer(database: str) -> Checkpointer:
    """The process's checkpointer of ``database`` (a file path)."""
    with _CHECKPOINTERS_LOCK:
        found = _CHECKPOINTERS.get(database)
        if found is None:
            found = _CHECKPOINTERS[database] = Checkpointer(database)
        return found


def on_connect(
    dbapi_connection: sqlite3.Connection, record: Any, database: str, wait_limit: float
) -> None:
    """Give a new connection to an on-disk database its place in the queue, and leave
    checkpoints to the checkpointer (SQLite's own would run inside COMMIT)."""
    record.info[QUEUE] = WritersQueue(database, wait_limit)
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


def install(engine: sa.Engine) -> None:
    """Let a connection out of the queue as soon as its transaction has ended: after the driver's
    COMMIT or ROLLBACK, wherever it comes from (a view, the CLI, the pool's reset when a
    connection goes back), and when it closes. Every ``CHECKPOINT_EVERY_COMMITS`` commits, ask
    for a checkpoint."""
    database = engine.url.database or ""
    commits = itertools.count(1)
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def let_go(dbapi_connection: Any) -> None:
        try:
            queue: WritersQueue | None = dbapi_connection.info.get(QUEUE)
        except NotImplementedError:  # the pool's first-connect proxy has no info (nor a queue)
            return
        if queue is not None:
            queue.let_go()

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            let_go(dbapi_connection)
        if next(commits) % CHECKPOINT_EVERY_COMMITS == 0:
            checkpointer(database).ask()

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            let_go(dbapi_connection)

    dialect.do_commit = do_commit  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]

    @event.listens_for(engine, "close")
    def _closed(_dbapi_connection: Any, record: Any) -> None:
        queue: WritersQueue | None = record.info.pop(QUEUE, None)
        if queue is not None:
            queue.close()
