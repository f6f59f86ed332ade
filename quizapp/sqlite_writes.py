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
import urllib.parse
import weakref
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
#: SQLite's own checkpoint, inside COMMIT, stays on for a log this long (80 MB): a backstop for
#: processes that commit too rarely to ask the checkpointer (the CLI, a quiet worker).
BACKSTOP_CHECKPOINT_PAGES = 20000
#: How long a checkpoint waits for its turn among writers, and then for readers to leave the log
#: (writers wait behind it meanwhile: keep it short).
RESTART_WAIT_SECONDS = 0.05
#: A checkpoint thread with nothing to do for this long ends (a new one starts when needed).
CHECKPOINTER_IDLE_SECONDS = 60.0
#: ``conn.info`` key of an SQLite connection's place in the writers' queue.
QUEUE = "quizapp_writers_queue"


class WritersQueue:
    """One connection's place in the queue of writers to a database file, across threads and
    processes: an exclusive ``flock`` on ``<database>-writers``, taken before BEGIN IMMEDIATE and
    let go once the transaction has ended. A writer checks the lock every 50 µs at first (up to
    1 ms), so it starts about when the one before it ends. It waits at most ``wait_limit``
    seconds (half the busy timeout): then SQLite's own lock decides, with its "database is
    locked" error. A process that dies lets go of its lock. Made by ``open_queue``."""

    def __init__(self, database: str, fd: int, wait_limit: float) -> None:
        self.database = database
        self.wait_limit = wait_limit
        self._attach(fd)

    def _attach(self, fd: int | None) -> None:
        """Use the lock file open as ``fd`` in this process (None: no queue)."""
        self.pid = os.getpid()
        self.holding = False
        self.fd = -1 if fd is None else fd
        #: Closes the file even if the connection is dropped without the pool's close event.
        self._closer = weakref.finalize(self, os.close, fd) if fd is not None else lambda: None

    def _forked(self) -> bool:
        """In a forked child, this copy shares its parent's open file, and with it the parent's
        lock: forget it (closing the child's descriptor leaves the parent's lock alone) and
        open the file again."""
        if self.pid == os.getpid():
            return False
        self._closer()
        self._attach(_open_lock_file(self.database))
        return True

    def wait_turn(self) -> None:
        self._forked()
        if self.fd < 0:
            return
        deadline = time.monotonic() + self.wait_limit
        delay = POLL_FIRST_SECONDS
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    return  # no queue after all: SQLite's own lock decides
                time.sleep(delay)
                delay = min(delay * 2, POLL_MAX_SECONDS)
                continue
            self.holding = True
            return

    def let_go(self) -> None:
        if self._forked() or not self.holding:
            return
        self.holding = False
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        except OSError:  # the file is gone: the lock with it
            log.warning("could not let go of the SQLite writers' queue", exc_info=True)

    def close(self) -> None:
        self.let_go()
        self._closer()


def _open_lock_file(database: str) -> int | None:
    """The lock file, made like SQLite makes its ``-wal`` and ``-shm`` files: with the database
    file's permissions and, for root, its owner (so a migration run as root does not lock the
    app's own user out). Read-only when it cannot be written (flock works either way); None when
    it cannot be opened at all, and the connection works without a queue."""
    path = f"{database}-writers"
    try:
        info = os.stat(database)
        mode = info.st_mode & 0o666
    except OSError:
        info, mode = None, 0o600
    flags = os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | flags, mode)
    except OSError:
        try:
            fd = os.open(path, os.O_RDONLY | flags)
        except OSError:
            log.warning("no SQLite writers' queue: cannot open %s", path, exc_info=True)
            return None
    if info is not None and os.geteuid() == 0:
        try:
            os.fchown(fd, info.st_uid, info.st_gid)
        except OSError:
            pass
    return fd


def open_queue(database: str, wait_limit: float) -> WritersQueue | None:
    """The writers' queue of a new connection to ``database`` (None when its file cannot be
    opened: the connection still works, waiting as SQLite alone makes it)."""
    fd = _open_lock_file(database)
    return None if fd is None else WritersQueue(database, fd, wait_limit)


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
        connection, queue = None, None
        try:
            # mode=rw: never create an empty database where the file has gone
            connection = sqlite3.connect(
                f"file:{urllib.parse.quote(self.database)}?mode=rw",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.execute(f"PRAGMA busy_timeout={int(RESTART_WAIT_SECONDS * 1000)}")
            queue = open_queue(self.database, RESTART_WAIT_SECONDS)
            while True:
                if not wanted.wait(CHECKPOINTER_IDLE_SECONDS):
                    with self.lock:
                        if not wanted.is_set():  # idle: end; ask() starts a new thread
                            self.thread = None
                            return
                wanted.clear()
                self.copy(connection, queue)
        except sqlite3.Error:
            log.warning("sqlite checkpoints stopped", exc_info=True)
        finally:
            with self.lock:
                if self.thread is threading.current_thread():
                    self.thread = None
            if queue is not None:
                queue.close()
            if connection is not None:
                connection.close()

    def copy(self, connection: sqlite3.Connection, queue: WritersQueue | None) -> None:
        """Copy the log into the file, blocking no one (PASSIVE); then, in the writers' queue,
        start the log over (RESTART: it waits up to RESTART_WAIT_SECONDS for readers of the log,
        such as a streaming export, to finish, and gives up if they do not). Without the restart
        a busy database's log only grows (readers never all leave it at once), and every read
        looks through more of it."""
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            if queue is not None:
                queue.wait_turn()
            try:
                busy, _log, _copied = connection.execute(
                    "PRAGMA wal_checkpoint(RESTART)"
                ).fetchone()
            finally:
                if queue is not None:
                    queue.let_go()
        except sqlite3.Error as exc:  # another checkpoint is running, or the file is gone
            log.warning("sqlite checkpoint skipped: %s", exc)
            return
        if busy:
            log.info("sqlite log not started over: a reader was still in it")
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
    database = os.path.abspath(database)
    with _CHECKPOINTERS_LOCK:
        found = _CHECKPOINTERS.get(database)
        if found is None:
            found = _CHECKPOINTERS[database] = Checkpointer(database)
        return found


def on_connect(
    dbapi_connection: sqlite3.Connection, record: Any, database: str, wait_limit: float
) -> None:
    """Give a new connection to an on-disk database its place in the queue (call it last in the
    connect hook), and leave checkpoints to the checkpointer: SQLite's own, inside COMMIT, only
    as a backstop for a log that has grown far past what the checkpointer lets it."""
    dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_CHECKPOINT_PAGES}")
    queue = open_queue(database, wait_limit)
    if queue is not None:
        record.info[QUEUE] = queue


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
            try:  # the commit is done: nothing after it may fail the request
                checkpointer(database).ask()
            except Exception:
                log.warning("could not ask for an sqlite checkpoint", exc_info=True)

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
