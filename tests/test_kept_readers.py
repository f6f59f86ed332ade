"""PostgreSQL: a GET's connection is kept for the worker's next GET when the request leaves it as
it found it; anything else goes back to the pool (see quizapp.pg_connections)."""

from __future__ import annotations

import gc

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from quizapp import create_app, db
from quizapp.driver_statements import DriverStatement
from quizapp.models import AuditEvent
from quizapp.operations import audit as audit_ops
from quizapp.pg_connections import KeptReaders
from tests.conftest import base_config
from tests.helpers import recorded_autocommit

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def checkouts(app):
    """Every connection the app's pool hands out, as it happens."""
    seen: list[int] = []

    def on_checkout(dbapi_connection, _record, _proxy) -> None:
        seen.append(id(dbapi_connection))

    engine = db.state(app).engine
    event.listen(engine, "checkout", on_checkout)
    yield seen
    event.remove(engine, "checkout", on_checkout)


def _server_connections(url: str, state: str | None = None) -> int:
    """Connections to the test database other than this one (in ``state``, when given)."""
    libpq = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND (%(state)s::text IS NULL OR state = %(state)s)",
            {"state": state},
        ).fetchone()
    return row[0]


def test_question_pages_in_a_row_use_one_connection_without_the_pool(app, in_round, checkouts):
    browser, _assignment, url = in_round
    assert browser.get(url).status_code == 200
    checkouts.clear()
    for _ in range(3):
        page = browser.get(url)
        assert page.status_code == 200 and "Check my answer" in page.get_data(as_text=True)
    assert checkouts == []


def test_a_get_that_writes_in_a_transaction_returns_its_connection_to_the_pool(
    app, client, make_user, login, checkouts
):
    login(client, make_user("educator"))
    assert client.get("/educator/").status_code == 200
    with recorded_autocommit(db.state(app).engine) as seen:
        assert client.get("/educator/patients.csv").status_code == 200  # audited: a transaction
        assert ("INSERT", False) in seen
        seen.clear()
        checkouts.clear()
        assert client.get("/educator/").status_code == 200
    # the export's connection went back to the pool (out of autocommit), so the next page took
    # one from it, and reads in autocommit as before
    assert len(checkouts) == 1
    assert seen and all(autocommit for _verb, autocommit in seen)


@pytest.mark.parametrize(
    "app_config",
    [{}, {"QUIZAPP_FRIENDLY_500_IN_TESTS": True}],
    ids=["error propagated", "error page"],
)
def test_a_request_that_failed_does_not_keep_its_connection(app, client, checkouts, app_config):
    @app.get("/test-fails-after-reading")
    def fails_after_reading() -> str:
        db.connection().execute(sa.text("SELECT 1"))
        raise RuntimeError("the view failed")

    @app.get("/test-reads")
    def reads() -> str:
        return str(db.connection().execute(sa.text("SELECT 2")).scalar())

    assert client.get("/test-reads").get_data(as_text=True) == "2"
    if app_config:  # as in production: the friendly error page, the error handled
        assert client.get("/test-fails-after-reading").status_code == 500
    else:
        with pytest.raises(RuntimeError, match="the view failed"):
            client.get("/test-fails-after-reading")
    checkouts.clear()
    assert client.get("/test-reads").get_data(as_text=True) == "2"
    assert len(checkouts) == 1  # the failed request's connection was not kept


def test_a_connection_whose_options_changed_is_not_kept(app, client, checkouts):
    @app.get("/test-streams")
    def streams() -> str:
        conn = db.connection().execution_options(logging_token="test")
        return str(conn.execute(sa.text("SELECT 3")).scalar())

    assert client.get("/test-streams").get_data(as_text=True) == "3"
    checkouts.clear()
    assert client.get("/test-streams").get_data(as_text=True) == "3"
    assert len(checkouts) == 1


def test_a_worker_keeps_only_so_many_idle_readers(app, checkouts):
    kept = KeptReaders(db.state(app).reader, keep_at_most=1)
    first, second = kept.take(), kept.take()
    kept.give_back(first)
    kept.give_back(second)  # one too many: back to the pool
    checkouts.clear()
    again = kept.take()
    assert again is first and checkouts == []
    kept.give_back(again)
    kept.close()


def test_dispose_closes_the_kept_readers(app, database_url, in_round):
    browser, _assignment, url = in_round
    assert browser.get(url).status_code == 200
    assert _server_connections(database_url) >= 1
    db.dispose(app)
    assert _server_connections(database_url) == 0


def test_an_app_dropped_without_dispose_returns_its_kept_readers(database_url):
    other = create_app(base_config(database_url))

    @other.get("/test-reads")
    def reads() -> str:
        return str(db.connection().execute(sa.text("SELECT 4")).scalar())

    assert other.test_client().get("/test-reads").get_data(as_text=True) == "4"
    engine = db.state(other).engine
    assert engine.pool.checkedout() == 1  # the kept reader
    del other, reads
    gc.collect()  # SQLAlchemy returns a dropped connection to its pool (no warning: an error here)
    assert engine.pool.checkedout() == 0
    engine.dispose()
    assert _server_connections(database_url) == 0


def _terminate(url: str, pid: int) -> None:
    libpq = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_reader_the_server_ended_mid_request_is_replaced_and_not_kept(
    app, client, database_url, dbs, checkouts
):
    """SQLAlchemy replaces a dropped connection at its next use, and the new one is not in
    autocommit: what the request writes then must still be committed, and the connection must
    not be kept (its reads would hold one transaction open from request to request)."""
    pid_of = DriverStatement(sa.select(sa.func.pg_backend_pid().label("pid")))

    @app.get("/test-dropped")
    def dropped() -> str:
        conn = db.connection()
        _terminate(database_url, pid_of.scalar(conn, {}))
        try:
            pid_of.scalar(conn, {})
        except sa.exc.OperationalError:
            pass  # the statement that meets the dropped connection fails
        pid = pid_of.scalar(conn, {})  # SQLAlchemy connects again
        db.start_writing(one_statement=True)
        audit_ops.write(conn, audit_ops.event("test.after.reconnect"))
        db.commit()
        return str(pid)

    @app.get("/test-reads")
    def reads() -> str:
        return str(pid_of.scalar(db.connection(), {}))

    assert client.get("/test-reads").status_code == 200
    assert client.get("/test-dropped").status_code == 200
    written = sa.select(sa.func.count()).where(AuditEvent.action == "test.after.reconnect")
    assert dbs.scalar(written) == 1
    dbs.rollback()  # the test's own read: nothing left open
    checkouts.clear()
    assert client.get("/test-reads").status_code == 200
    assert len(checkouts) == 1  # the replaced connection was not kept
    assert _server_connections(database_url, "idle in transaction") == 0
