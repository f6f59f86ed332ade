"""On SQLite, reads never take the write lock; writes (POSTs and marked GETs) take it up front."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from quizapp import db
from tests.helpers import post_form


@pytest.fixture
def begins(app):
    """The BEGIN statements the app's engine sends, in order."""
    seen: list[str] = []

    def on_execute(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    engine = db.state(app).engine
    event.listen(engine, "before_cursor_execute", on_execute)
    yield seen
    event.remove(engine, "before_cursor_execute", on_execute)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_signed_in_reads_begin_deferred_and_writes_take_the_lock(
    client, make_user, make_patient, login, begins
):
    educator = make_user("educator")
    patient = make_patient(educator=educator)
    login(client, educator)
    begins.clear()
    assert client.get("/educator/").status_code == 200
    assert begins and set(begins) == {"BEGIN"}  # the sign-in check and the page only read
    begins.clear()
    client.get(f"/educator/patients/{patient.id}")  # audited read: marked @db.writes
    assert set(begins) == {"BEGIN IMMEDIATE"}
    begins.clear()
    post_form(client, "/logout", {}, page="/educator/")
    assert begins[-1] == "BEGIN IMMEDIATE"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_get_view_that_writes_unmarked_fails_in_tests(app):
    from quizapp.models import AuditEvent

    @app.get("/test-unmarked-write")
    def unmarked() -> str:
        db.session().add(AuditEvent(action="test.write"))
        db.session().commit()
        return "written"

    with pytest.raises(RuntimeError, match="decorate this GET view with @db.writes"):
        app.test_client().get("/test-unmarked-write")
