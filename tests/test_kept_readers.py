"""PostgreSQL: a GET's connection is kept for the worker's next GET when the request leaves it as
it found it; anything else goes back to the pool (see quizapp.pg_connections)."""

from __future__ import annotations

import gc

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from quizapp import create_app, db
from quizapp.pg_connections import KeptReaders
from tests.conftest import base_config
from tests.helpers import recorded_autocommit
from tests.patient.quizdriver import post_button, resume

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


def _server_connections(url: str) -> int:
    """Connections to the test database other than this one."""
    libpq = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return row[0]


@pytest.fixture
def question_url(app, make_assignment, issue_code, enter_code):
    """A signed-in patient's browser on the first question of an open round."""
    assignment = make_assignment()
    browser = app.test_client()
    assert enter_code(browser, issue_code(assignment.patient)).status_code == 302
    post_button(browser, "/learn/", f"/learn/{assignment.id}/rounds")
    return browser, resume(browser, assignment.id).headers["Location"]


def test_question_pages_in_a_row_use_one_connection_without_the_pool(app, question_url, checkouts):
    browser, url = question_url
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


def test_a_request_that_failed_does_not_keep_its_connection(app, client, checkouts):
    @app.get("/test-fails-after-reading")
    def fails_after_reading() -> str:
        db.connection().execute(sa.text("SELECT 1"))
        raise RuntimeError("the view failed")

    @app.get("/test-reads")
    def reads() -> str:
        return str(db.connection().execute(sa.text("SELECT 2")).scalar())

    assert client.get("/test-reads").get_data(as_text=True) == "2"
    with pytest.raises(RuntimeError, match="the view failed"):  # tests propagate the error
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


def test_dispose_closes_the_kept_readers(app, database_url, question_url):
    browser, url = question_url
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
