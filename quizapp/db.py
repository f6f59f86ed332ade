"""The database: one engine per app, one session per app context, removed at teardown.

Views call :func:`session` to get the request's session and commit it once; operations only
add and flush. Anything left uncommitted at teardown is rolled back.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

#: On SQLite, how the next transaction starts. Requests that only read use a deferred BEGIN so
#: they never wait for a writer (WAL); everything else takes the write lock up front with
#: BEGIN IMMEDIATE, so two writers queue on the busy timeout instead of failing mid-transaction.
sqlite_begin = contextvars.ContextVar("sqlite_begin", default="BEGIN IMMEDIATE")

SQLITE_BUSY_TIMEOUT_MS = 15000


@dataclass
class DatabaseState:
    engine: sa.Engine
    sessionmaker: sessionmaker[Session]


def is_sqlite(url: str | sa.URL) -> bool:
    """True when the URL names an SQLite database."""
    return sa.make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, echo: bool = False) -> sa.Engine:
    """Create an engine with the settings each backend needs to be safe under concurrency."""
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "postgresql" and sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    if is_sqlite(sa_url):
        engine = sa.create_engine(
            sa_url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(sa_url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _configure_sqlite(engine: sa.Engine) -> None:
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
        conn.exec_driver_sql(sqlite_begin.get())


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory and remove the session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"], echo=app.config["QUIZAPP_SQL_ECHO"])
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
