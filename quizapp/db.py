"""The database: one engine per app, one session per app context, removed at teardown.

Views call :func:`session` to get the request's session and commit it once; operations only
add and flush. Anything left uncommitted at teardown is rolled back.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

#: On SQLite, how the next transaction starts. Requests that only read use a deferred BEGIN so
#: they never wait for a writer (WAL); everything else takes the write lock up front with
#: BEGIN IMMEDIATE, so two writers queue on the busy timeout instead of failing mid-transaction.
sqlite_begin = contextvars.ContextVar("sqlite_begin", default="BEGIN IMMEDIATE")

SQLITE_BUSY_TIMEOUT_MS = 15000
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class DatabaseState:
    engine: sa.Engine
    sessionmaker: sessionmaker[Session]


def is_sqlite(url: str | sa.URL) -> bool:
    """True when the URL names an SQLite database."""
    return sa.make_url(url).get_backend_name() == "sqlite"


_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLAC")


#: Set on a view function by ``reads_first``.
READS_FIRST = "quizapp_reads_first"


def reads_first(view: F) -> F:
    """Mark a POST view that reads before it writes and calls ``start_writing()`` before its first
    write: on SQLite its transaction then begins deferred, so the sign-in check and its reads do
    not hold the write lock (the answer page: the busiest write). Put it under the route."""
    setattr(view, READS_FIRST, True)
    return view


def start_writing(db_session: Session | None = None) -> None:
    """Say that what follows writes. On SQLite a GET's transaction began for reading (a deferred
    BEGIN, which never waits for a writer): this ends it (nothing was written in it) so the writes
    that follow run in a short transaction that takes the write lock first (BEGIN IMMEDIATE), and
    the lock is held only for the writes, not for the whole page. In a transaction that already
    holds the lock (a POST), and on PostgreSQL, it changes nothing.

    What was read before it is not locked: write nothing that depends on it staying true (an
    audit event, a first "started reading" time)."""
    db_session = db_session or session()
    if db_session.get_bind().dialect.name != "sqlite":
        return
    sqlite_begin.set("BEGIN IMMEDIATE")
    if db_session.in_transaction():
        if db_session.connection().info.get("quizapp_begin") == "BEGIN":
            db_session.commit()


def make_engine(url: str, echo: bool = False, strict: bool = False) -> sa.Engine:
    """Create an engine with the settings each backend needs to be safe under concurrency.

    ``strict`` (tests): on SQLite, a write inside a transaction begun for reading is an error, so a
    GET view that writes without ``start_writing()`` fails its tests instead of under load."""
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "postgresql" and sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    if is_sqlite(sa_url):
        engine = sa.create_engine(
            sa_url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine, strict)
        return engine
    return sa.create_engine(sa_url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _configure_sqlite(engine: sa.Engine, strict: bool) -> None:
    """WAL, foreign keys, a busy timeout, and transactions we begin ourselves (see sqlite_begin)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let us emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        mode = sqlite_begin.get()
        conn.exec_driver_sql(mode)
        conn.info["quizapp_begin"] = mode

    if strict:

        @event.listens_for(engine, "before_cursor_execute")
        def _no_write_in_a_read(conn: sa.Connection, _cursor: Any, statement: str, *_: Any) -> None:
            if (
                conn.info.get("quizapp_begin") == "BEGIN"
                and statement.lstrip()[:6].upper() in _WRITE_VERBS
            ):
                raise RuntimeError(
                    "a write inside an SQLite transaction begun for reading: "
                    "call db.start_writing() before this GET view writes"
                )


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory and remove the session at teardown."""
    engine = make_engine(
        app.config["DATABASE_URL"],
        echo=app.config["QUIZAPP_SQL_ECHO"],
        strict=app.config["TESTING"],
    )
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions["quizapp.db"] = DatabaseState(engine=engine, sessionmaker=factory)
    app.teardown_appcontext(_remove_session)


def state(app: Flask | None = None) -> DatabaseState:
    """The database state of ``app`` (default: the current app)."""
    return (app or current_app).extensions["quizapp.db"]


def session() -> Session:
    """The session of the current app context, created on first use."""
    if "db_session" not in g:
        g.db_session = state().sessionmaker()
    return g.db_session


def _remove_session(_exc: BaseException | None) -> None:
    db_session: Session | None = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()  # rolls back anything not committed
