"""The database: one engine per app, one session per app context, removed at teardown.

Views call :func:`session` to get the request's session and commit it once; operations only
add and flush. Anything left uncommitted at teardown is rolled back.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from quizapp import pg_connections, sqlite_writes

#: SQLite: how the request's next transaction starts. "BEGIN": it reads, with a deferred BEGIN
#: that never waits for a writer (WAL). "BEGIN IMMEDIATE" (the default): it writes, and takes the
#: write lock up front, so two writers queue on the busy timeout instead of failing
#: mid-transaction. "" (tests only): each statement on its own.
begin_mode = contextvars.ContextVar("begin_mode", default="BEGIN IMMEDIATE")
#: The request only reads (a GET): each statement runs on its own (autocommit), its own snapshot,
#: as under PostgreSQL's READ COMMITTED anyway, without BEGIN and ROLLBACK statements (round
#: trips on PostgreSQL, whose GET sessions are bound to an autocommit engine). Ends at
#: ``start_writing()``.
autocommit_reads = contextvars.ContextVar("autocommit_reads", default=False)
#: How an SQLite connection's transaction began (``conn.info``): one of the modes, or this.
AUTOCOMMIT_READ = "autocommit read"
#: SQLite: the request read before ``start_writing()``, and reads again once its writes end.
reads_again = contextvars.ContextVar("reads_again", default=False)
SQLITE_BUSY_TIMEOUT_MS = 15000
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class DatabaseState:
    engine: sa.Engine
    sessionmaker: sessionmaker[Session]
    #: The engine reads are bound to: on PostgreSQL the same pool in autocommit, else ``engine``.
    reader: sa.Engine
    #: PostgreSQL: readers kept checked out between requests (see quizapp.pg_connections).
    kept_readers: pg_connections.KeptReaders | None = None


def is_sqlite(url: str | sa.URL) -> bool:
    """True when the URL names an SQLite database."""
    return sa.make_url(url).get_backend_name() == "sqlite"


_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLAC")
#: A WITH statement that writes (PostgreSQL's data-modifying WITH queries).
_WRITES_IN_WITH = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.I)
#: Writes the request may still run in autocommit: ``start_writing(one_statement=True)`` allows
#: one (checked in tests, see ``_refuse_writes_in_reads``).
one_statement_left: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "one_statement_left", default=None
)


#: Set on a view function by ``reads_first``.
READS_FIRST = "quizapp_reads_first"


def reads_first(view: F) -> F:
    """Mark a POST view that reads before it writes and calls ``start_writing()`` before its first
    write: on SQLite its reads then run in autocommit, so the sign-in check and its reads do not
    hold the write lock (the answer page: the busiest write). Put it under the route."""
    setattr(view, READS_FIRST, True)
    return view


def start_writing(db_session: Session | None = None, *, one_statement: bool = False) -> None:
    """Say that what follows writes. On SQLite a GET's reads ran in autocommit (or, after an
    earlier write, in a deferred BEGIN, which never waits for a writer): this ends the read so the
    writes that follow run in a short transaction that takes the write lock first (BEGIN
    IMMEDIATE), and the lock is held only for the writes, not for the whole page. On PostgreSQL it
    leaves autocommit, so the writes that follow are one transaction again. In a transaction begun
    for writing (a POST not marked ``reads_first``), it changes nothing.

    With ``one_statement`` the caller says its writes are a single statement: on PostgreSQL that
    statement then runs in autocommit, atomic on its own, without the BEGIN and COMMIT round
    trips (the answer, see quizapp.operations.quiz.record_answer). SQLite takes its lock as usual.

    It works on the request's connection, and makes no ORM session when there is none (the
    answer writes without one). What was read before it is not locked: write nothing that
    depends on it staying true (an audit event, a first "started reading" time)."""
    # The request's connection, checked out as its reads were (before the flags change).
    conn = db_session.connection() if db_session is not None else connection()
    was = begin_mode.get()
    begin_mode.set("BEGIN IMMEDIATE")
    autocommit_reads.set(False)
    if conn.dialect.name != "sqlite":
        if one_statement:
            one_statement_left.set(1)
            return
        if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            _end_transaction("commit", db_session, conn)  # nothing is pending in autocommit
            # The same connection, in transactions again (reset when it goes back to the pool).
            conn.execution_options(isolation_level=conn.dialect.default_isolation_level)
        return
    # How this connection's open transaction began (none open: the next one begins as
    # begin_mode now says, with the lock).
    began = conn.info.get("quizapp_begin") if conn.in_transaction() else None
    if began == AUTOCOMMIT_READ:  # nothing began in SQLite: lock on this same connection
        _begin(conn, "BEGIN IMMEDIATE")
    elif began == "BEGIN":
        _end_transaction("commit", db_session, conn)  # nothing was written
    # Once these writes are committed or rolled back, what follows (rendering the page, a lazy
    # load) reads again, without holding the lock (see _reads_again).
    if was == "BEGIN":  # (a second call, as the audit helper makes, must not undo this)
        reads_again.set(True)


def read_one_snapshot(db_session: Session | None = None) -> None:
    """Make the rest of this request's reads see one snapshot of the database (SQLite: a deferred
    BEGIN), not one per statement as reads in autocommit do: for a page that reads in many
    statements what must add up, such as an export in chunks. (On PostgreSQL, under READ
    COMMITTED, each statement has its own snapshot in a transaction too.)"""
    db_session = db_session or session()
    if db_session.get_bind().dialect.name != "sqlite":
        return
    conn = db_session.connection()
    if conn.info.get("quizapp_begin") == AUTOCOMMIT_READ:
        _begin(conn, "BEGIN")


def _begin(conn: sa.Connection, mode: str) -> None:
    """SQLite: begin a transaction on ``conn`` as ``mode`` says, and remember how it began. A
    writer first waits its turn in the writers' queue, when the database has one."""
    queue = sqlite_writes.queue_of(conn) if mode == "BEGIN IMMEDIATE" else None
    if queue is not None:
        queue.wait_turn()
    if mode not in ("", AUTOCOMMIT_READ):  # no BEGIN: the driver runs each statement on its own
        try:
            conn.exec_driver_sql(mode)
        except BaseException:
            if queue is not None:
                queue.let_go()
            raise
    conn.info["quizapp_begin"] = mode


def _reads_again(conn: sa.Connection) -> None:
    """After the request's connection commits or rolls back (through its session or on the
    connection): a request whose writes are done reads again."""
    if reads_again.get() and has_app_context() and conn is g.get("db_connection"):
        reads_again.set(False)
        begin_mode.set("BEGIN")


def make_engine(url: str, echo: bool = False, strict: bool = False) -> sa.Engine:
    """Create an engine with the settings each backend needs to be safe under concurrency. Its
    errors (and echo) never show a statement's parameters: they hold session tokens, hashed
    access codes and patients' details, which must not reach the logs.

    ``strict`` (tests): a write in a transaction begun for reading is an error (see
    ``_refuse_writes_in_reads``)."""
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "postgresql" and sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    if is_sqlite(sa_url):
        engine = sa.create_engine(
            sa_url,
            echo=echo,
            hide_parameters=True,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine, strict)
        return engine
    engine = sa.create_engine(sa_url, echo=echo, hide_parameters=True, pool_size=5, max_overflow=5)
    pg_connections.check_before_use(engine)
    if strict:
        _refuse_writes_in_reads(
            engine, lambda conn: conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        )
    return engine


def _refuse_writes_in_reads(engine: sa.Engine, reading: Callable[[sa.Connection], bool]) -> None:
    """Tests: a write on a connection begun for reading raises, so a GET view that writes without
    ``start_writing()`` fails its tests (on SQLite it would fail under load; on PostgreSQL each
    of its writes would commit on its own)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _no_write_in_a_read(conn: sa.Connection, _cursor: Any, statement: str, *_: Any) -> None:
        head = statement.lstrip()[:6].upper()
        writes = head in _WRITE_VERBS or (
            head.startswith("WITH") and _WRITES_IN_WITH.search(statement) is not None
        )
        if not writes or not reading(conn):
            return
        left = one_statement_left.get()
        if left:  # the one statement start_writing(one_statement=True) allowed
            one_statement_left.set(left - 1)
            return
        raise RuntimeError(
            "a write in a transaction begun for reading: "
            "call db.start_writing() before this GET view writes"
            + (" (one_statement=True allows one statement only)" if left == 0 else "")
        )


def _configure_sqlite(engine: sa.Engine, strict: bool) -> None:
    """WAL, foreign keys, a busy timeout, and transactions we begin ourselves (see begin_mode)."""

    on_disk = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # let us emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        if on_disk:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Read the file through the OS page cache without copying: another worker's write
            # empties this connection's own page cache, so most reads after a write hit the OS.
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()
        if on_disk:  # the writers' queue, and the log copied by a thread (sqlite_writes); last,
            # so that nothing after it can fail and leave its file open
            sqlite_writes.on_connect(
                dbapi_connection, record, engine.url.database, SQLITE_BUSY_TIMEOUT_MS / 2000
            )

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        mode = begin_mode.get()
        _begin(conn, AUTOCOMMIT_READ if autocommit_reads.get() and mode == "BEGIN" else mode)

    event.listen(engine, "commit", _reads_again)
    event.listen(engine, "rollback", _reads_again)

    if on_disk:
        sqlite_writes.install(engine)

    if strict:
        _refuse_writes_in_reads(
            engine, lambda conn: conn.info.get("quizapp_begin") in ("BEGIN", AUTOCOMMIT_READ)
        )


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory and remove the session at teardown."""
    engine = make_engine(
        app.config["DATABASE_URL"],
        echo=app.config["QUIZAPP_SQL_ECHO"],
        strict=app.config["TESTING"],
    )
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    db_state = DatabaseState(engine=engine, sessionmaker=factory, reader=engine)
    if engine.dialect.name == "postgresql":
        db_state.reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        db_state.kept_readers = pg_connections.KeptReaders(db_state.reader)
    app.extensions["quizapp.db"] = db_state
    app.teardown_appcontext(_remove_session)


def dispose(app: Flask) -> None:
    """Close ``app``'s connections: its kept readers, then its pool's (tests, tools; a server's
    workers end with their process)."""
    db_state = state(app)
    if db_state.kept_readers is not None:
        db_state.kept_readers.close()
    db_state.engine.dispose()


def state(app: Flask | None = None) -> DatabaseState:
    """The database state of ``app`` (default: the current app)."""
    return (app or current_app).extensions["quizapp.db"]


def connection() -> sa.Connection:
    """The connection of the current app context: checked out on first use (from the reader in a
    request that reads, see ``autocommit_reads``; on PostgreSQL a reader kept from an earlier
    request, see quizapp.pg_connections), returned at teardown. The session runs on it,
    and the busiest pages run their first query on it as a Core statement, without the ORM's
    per-statement work."""
    conn: sa.Connection | None = g.get("db_connection")
    if conn is None:
        db_state = state()
        if not autocommit_reads.get():
            conn = db_state.engine.connect()
        elif db_state.kept_readers is not None:  # PostgreSQL
            conn = db_state.kept_readers.take()
            g.db_connection_kept_by = db_state.kept_readers
        else:
            conn = db_state.reader.connect()
        g.db_connection = conn
    return conn


def session() -> Session:
    """The session of the current app context, created on first use, on its connection. It takes
    over a transaction a Core statement began there: its commit commits it."""
    if "db_session" not in g:
        g.db_session = state().sessionmaker(
            bind=connection(), join_transaction_mode="control_fully"
        )
    return g.db_session


def commit() -> None:
    """Commit the request's writes: through its session when it has one (the session controls
    the connection's transaction), else on its connection (pages that write with Core statements
    only, such as the answer)."""
    _end_transaction("commit")


def rollback() -> None:
    """Roll back the request's writes (see ``commit``)."""
    _end_transaction("rollback")


def _end_transaction(
    how: str, db_session: Session | None = None, conn: sa.Connection | None = None
) -> None:
    """Commit or roll back (``how``) the request's transaction: through its session when the
    session has one (it controls the connection's transaction), then on the connection when a
    Core statement began one there with no session statement since."""
    db_session = db_session or g.get("db_session")
    if db_session is not None and db_session.in_transaction():
        getattr(db_session, how)()
    conn = conn or connection()
    if conn.in_transaction():
        getattr(conn, how)()


def release() -> None:
    """Give the current app context's session and connection back now, rolling back anything
    not committed: for a view whose response is streamed after it returns (the app context, and
    with it the connection, would otherwise be held until the download ends)."""
    _remove_session(None)


def request_failed() -> None:
    """Say the request failed (its error page is being shown): its connection then goes back to
    the pool at teardown, whatever state it is in, rather than being kept for the next request."""
    g.db_request_failed = True


def _remove_session(exc: BaseException | None) -> None:
    db_session: Session | None = g.pop("db_session", None)
    conn: sa.Connection | None = g.pop("db_connection", None)
    kept_by: pg_connections.KeptReaders | None = g.pop("db_connection_kept_by", None)
    failed = exc is not None or g.pop("db_request_failed", False)
    try:
        if db_session is not None:
            db_session.close()  # rolls back anything not committed
    except BaseException:
        failed = True
        raise
    finally:
        if conn is not None:
            if kept_by is not None:
                kept_by.give_back(conn, failed)  # kept for the next request if unchanged
            else:
                conn.close()  # back to the pool, rolled back
