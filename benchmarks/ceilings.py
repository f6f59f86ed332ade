"""The two ceilings the app is measured against, served by gunicorn like the app itself.

``hello_app()``: a bare Flask app that reads and sets a value in its signed session cookie and
answers "hello". ``insert_app()``: a bare Flask app that INSERTs one row and commits, on the same
engine as the leg under test (SQLite file in WAL mode, or PostgreSQL), through a SQLAlchemy pool.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request, session
from sqlalchemy import event

SECRET = os.environ.get("SECRET_KEY", "ceiling-secret-" + "x" * 32)
TABLE = "bench_ceiling"


def hello_app() -> Flask:
    """GET /: read the session, set a value in it, say hello."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = SECRET

    @app.get("/")
    def hello() -> str:
        session["n"] = session.get("n", 0) + 1
        return "hello"

    return app


def ceiling_engine(url: str) -> sa.Engine:
    """An engine like the app's: WAL, synchronous NORMAL and a busy timeout on SQLite."""
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        engine = sa.create_engine(sa_url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    return sa.create_engine(sa_url, pool_size=5, max_overflow=5)


def create_table(url: str) -> None:
    """The ceiling's table, made once before the server starts."""
    engine = ceiling_engine(url)
    key = "INTEGER PRIMARY KEY" if engine.dialect.name == "sqlite" else "SERIAL PRIMARY KEY"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key}, value VARCHAR(64) NOT NULL)"
        )
    engine.dispose()


def insert_app() -> Flask:
    """POST /: insert the posted value as one row and commit. GET / answers "ok" (readiness)."""
    app = Flask(__name__)
    engine = ceiling_engine(os.environ["DATABASE_URL"])
    table = sa.table(TABLE, sa.column("value"))

    @app.get("/")
    def ready() -> str:
        return "ok"

    @app.post("/")
    def insert() -> str:
        with engine.begin() as conn:
            conn.execute(sa.insert(table).values(value=request.form.get("value", "")[:64]))
        return "stored"

    return app
