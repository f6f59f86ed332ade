"""PostgreSQL: a pooled connection the database closed (a restart, an administrator ending it) is
replaced before a request uses it, and a live one is used without a ping round trip."""

from __future__ import annotations

import time

import psycopg
import pytest
import sqlalchemy as sa

from quizapp import db, pg_connections

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _libpq(url: str) -> str:
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _end_other_connections(url: str) -> None:
    """As a restart does: the server ends every connection to this database but ours."""
    with psycopg.connect(_libpq(url), autocommit=True) as admin:
        others = """SELECT pid FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()"""
        pids = [pid for (pid,) in admin.execute(others)]
        assert pids, "the app holds pooled connections"
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while admin.execute(others).fetchall() and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture
def pings(app, monkeypatch):
    """How many times the pool pinged a connection before use."""
    dialect = db.state(app).engine.dialect
    seen = []
    real = dialect.do_ping

    def counted(dbapi_connection):
        seen.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return seen


def test_pages_work_on_after_the_database_ends_every_connection(
    app, database_url, client, make_user, login, pings
):
    educator = make_user("educator")
    login(client, educator)
    assert client.get("/educator/").status_code == 200
    _end_other_connections(app.config["DATABASE_URL"])
    page = client.get("/educator/")
    assert page.status_code == 200 and "My patients" in page.get_data(as_text=True)
    assert pings  # the closed connection was noticed and replaced
    assert client.get("/healthz").status_code == 200


def test_a_live_connection_used_a_moment_ago_is_not_pinged(app, client, make_user, login, pings):
    login(client, make_user("educator"))
    client.get("/educator/")
    pings.clear()
    for _ in range(3):
        assert client.get("/educator/").status_code == 200
    assert pings == []


def test_a_connection_idle_for_long_is_pinged(app, client, make_user, login, pings, monkeypatch):
    login(client, make_user("educator"))
    client.get("/educator/")
    monkeypatch.setattr(pg_connections, "PING_AFTER_IDLE_SECONDS", 0.0)
    pings.clear()
    assert client.get("/educator/").status_code == 200
    assert pings
