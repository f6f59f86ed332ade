"""PostgreSQL connections: checked before use without a ping on every request, and the readers
of GET requests kept between requests.

**Checked before use.** A server that closes a connection (a restart, an administrator ending
it, its idle timeout) sends a last message and closes the socket, so the socket has something to
read; a network that drops idle connections says nothing, so a connection unused for
``PING_AFTER_IDLE_SECONDS`` is pinged too. A dead connection is replaced before the request sees
it. (``pool_pre_ping`` pinged every time: one more round trip on every request.)

**Readers kept.** A GET reads in autocommit (see quizapp.db). Taking a connection out of
SQLAlchemy's pool for it, switching it to autocommit, then switching it back and returning it
cost more of a worker's CPU than the question page's one statement (measured under gunicorn:
about a sixth of the page). So a reader that ends its request as it began (still in autocommit,
nothing open on the server, no error, no option changed) stays checked out, idle, for the next
request of the same worker: no pool round trip and no mode switch. A request that writes leaves
autocommit on its connection, which then goes back to the pool as before. A kept reader is
checked before reuse as the pool checks its own. A worker keeps at most ``KEEP_AT_MOST`` idle
readers (a sync worker uses one), each an open connection to the server beside the pool's.
"""

from __future__ import annotations

import select
import time
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy import event

#: A connection unused this long is pinged before use.
PING_AFTER_IDLE_SECONDS = 30.0
#: Idle readers a worker keeps checked out (more are returned to the pool, which lends at most 10:
#: a sync worker keeps one, a threaded one leaves at least 8 for its other requests).
KEEP_AT_MOST = 2
_LAST_USED = "quizapp_last_used"


def check_before_use(engine: sa.Engine) -> None:
    """Check every connection ``engine``'s pool hands out (see the module); a dead one makes the
    pool try a new connection, and drop the others made before now, which a restart has closed
    too (SQLAlchemy's pool retries on DisconnectionError)."""

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        failure = _ping_failure(engine.dialect, dbapi_connection, record.info.get(_LAST_USED))
        if failure is not None:  # replace it
            dead = sa.exc.DisconnectionError("the database closed this connection")
            dead.invalidate_pool = True
            raise dead from failure


def _ping_failure(dialect: Any, dbapi_connection: Any, last_used: float | None) -> Exception | None:
    """None when the connection may be used: it was used lately and its socket has nothing to
    read, or a ping went through; else the ping's error."""
    used_lately = last_used is not None and time.monotonic() - last_used <= PING_AFTER_IDLE_SECONDS
    if used_lately and not _has_input(dbapi_connection):
        return None
    try:
        dialect.do_ping(dbapi_connection)
    except Exception as exc:  # any failure: the connection is not to be used
        return exc
    return None


def _has_input(dbapi_connection: Any) -> bool:
    """Whether an idle connection's socket has something to read: a healthy idle connection has
    nothing (we never LISTEN); a closed one has the server's last message, or end of file. When
    it cannot tell (no socket any more), it says yes, so the connection is pinged."""
    try:
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except Exception:  # psycopg raises its own error when libpq has dropped the socket
        return True


class KeptReaders:
    """The idle readers of one worker (see the module). ``reader`` is the engine GETs read on:
    the app's pool in autocommit. Thread-safe: a connection is in the idle list or in one
    request's hands, never both (``list.pop`` and ``append`` are atomic)."""

    def __init__(self, reader: sa.Engine, keep_at_most: int = KEEP_AT_MOST) -> None:
        self._reader = reader
        self._keep_at_most = keep_at_most
        self._idle: list[tuple[sa.Connection, float]] = []

    def take(self) -> sa.Connection:
        """A kept reader, checked as the pool checks its own; else one from the pool."""
        while True:
            try:
                conn, last_used = self._idle.pop()
            except IndexError:
                return self._reader.connect()
            if _ping_failure(self._reader.dialect, conn.connection.dbapi_connection, last_used):
                # dead, and the others were made before the server went away too
                conn.invalidate()
                conn.close()
                _close_all(self._idle, invalidate=True)
            else:
                return conn

    def give_back(self, conn: sa.Connection, failed: bool = False) -> None:
        """At the end of a request: keep ``conn`` for the next one if it is as it was taken and
        the request did not fail; else return it to the pool (which resets it)."""
        if (
            failed
            or conn.closed
            or conn.invalidated
            or len(self._idle) >= self._keep_at_most
            # an option changed: db.start_writing leaves autocommit this way
            or conn.get_execution_options() != self._reader.get_execution_options()
            or not _idle_in_autocommit(conn.connection.dbapi_connection)
        ):
            conn.close()
            return
        if conn.get_transaction() is not None:  # SQLAlchemy's own: nothing is open on the server
            conn.rollback()
        self._idle.append((conn, time.monotonic()))

    def close(self) -> None:
        """Return every idle reader to the pool (before the engine is disposed)."""
        _close_all(self._idle)


def _idle_in_autocommit(dbapi_connection: Any) -> bool:
    """Whether the driver's connection is in autocommit with nothing in progress on the server.
    Not always so when SQLAlchemy's options say autocommit: a connection the server dropped in
    the middle of a request is replaced by SQLAlchemy at its next use, and the new one is in the
    pool's default mode (a transaction opened by its first statement would then be kept)."""
    return bool(dbapi_connection.autocommit) and (
        dbapi_connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    )


def _close_all(idle: list[tuple[sa.Connection, float]], invalidate: bool = False) -> None:
    while idle:
        try:
            conn, _ = idle.pop()
        except IndexError:  # another thread took the last one
            return
        if invalidate:
            conn.invalidate()
        conn.close()
