"""Reads never wait for writers: a GET's reads run in autocommit on both engines (no BEGIN and
ROLLBACK statements, round trips on PostgreSQL); its writes are one transaction, which on SQLite
takes the write lock only for them. A POST that reads first begins deferred on SQLite."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp import db
from quizapp.models import AuditEvent, Patient, utcnow
from quizapp.requests import audit
from tests.helpers import post_form, recorded_autocommit, recorded_statements, recording
from tests.patient.quizdriver import run_round


@pytest.fixture
def begins(app):
    """The BEGIN statements the app's engine sends, in order."""

    def begin(_conn, statement: str) -> str | None:
        return statement if statement.startswith("BEGIN") else None

    with recording(db.state(app).engine, begin) as seen:
        yield seen


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_signed_in_reads_send_no_begin_and_writes_take_the_lock(
    app, client, make_user, make_patient, login, begins
):
    educator = make_user("educator")
    patient = make_patient(educator=educator)
    login(client, educator)
    begins.clear()
    with recorded_statements(db.state(app).engine) as seen:
        assert client.get("/educator/").status_code == 200
    assert [s for s in seen if s.startswith("SELECT")]  # the sign-in check and the page
    assert begins == []  # ... each on its own, in autocommit
    begins.clear()
    client.get(f"/educator/patients/{patient.id}")  # an audited read
    assert begins == ["BEGIN IMMEDIATE"]  # the lock only to write the audit
    begins.clear()
    post_form(client, "/logout", {}, page="/educator/")
    assert begins[-1] == "BEGIN IMMEDIATE"


def test_a_get_view_that_writes_unmarked_fails_in_tests(app):
    @app.get("/test-unmarked-write")
    def unmarked() -> str:
        db.session().add(AuditEvent(action="test.write"))
        db.session().commit()
        return "written"

    with pytest.raises(
        RuntimeError, match=r"call db.start_writing\(\) before this GET view writes"
    ):
        app.test_client().get("/test-unmarked-write")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_audited_read_holds_the_write_lock_only_for_its_audit_row(
    app, client, make_user, make_patient, login, dbs
):
    educator = make_user("educator")
    patient = make_patient(educator=educator)
    login(client, educator)
    with recorded_statements(db.state(app).engine) as seen:
        page = client.get(f"/educator/patients/{patient.id}")
    assert page.status_code == 200
    locked = seen[seen.index("BEGIN IMMEDIATE") + 1 :]
    assert locked and all(s.startswith("INSERT INTO audit_events") for s in locked), locked
    assert (
        dbs.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.action == "patient.summary.view"
            )
        )
        == 1
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_reading_marks_the_first_visit_and_later_visits_only_read(
    app, client, make_assignment, issue_code, enter_code, begins, dbs
):
    assignment = make_assignment()
    assert enter_code(client, issue_code(assignment.patient)).status_code == 302
    begins.clear()
    assert client.get(f"/learn/{assignment.id}/read/").status_code == 200
    assert begins == ["BEGIN IMMEDIATE"]
    dbs.refresh(assignment)
    assert assignment.started_reading_at is not None
    begins.clear()
    assert client.get(f"/learn/{assignment.id}/read/").status_code == 200
    assert begins == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_reads_run_in_autocommit_and_writes_in_a_transaction(
    app, client, make_user, make_patient, make_assignment, issue_code, enter_code, login, dbs
):
    educator = make_user("educator")
    patient = make_patient(educator=educator)
    assignment = make_assignment(patient, per_topic=1, max_rounds=1)
    patient_browser = app.test_client()  # a round with a wrong answer: the summary reads it all
    enter_code(patient_browser, issue_code(patient))
    post_form(patient_browser, f"/learn/{assignment.id}/rounds", {}, page="/learn/")
    run_round(patient_browser, dbs, assignment.id, wrong_positions={1})
    login(client, educator)
    with recorded_autocommit(db.state(app).engine) as seen:
        assert client.get("/educator/").status_code == 200
        reads = list(seen)
        seen.clear()
        assert client.get("/educator/patients.csv").status_code == 200
        export = list(seen)
        seen.clear()
        assert client.get(f"/educator/patients/{patient.id}").status_code == 200
    writes = ("INSERT", "UPDATE", "DELETE")
    assert reads and all(autocommit for _verb, autocommit in reads)
    assert ("INSERT", False) in export  # the audit event: in a transaction, committed once
    assert not [verb for verb, autocommit in export if autocommit and verb in writes]
    # A results page whose only write is its audit event: that one statement, in autocommit
    # (atomic on its own; no BEGIN and COMMIT round trips).
    assert [(verb, autocommit) for verb, autocommit in seen if verb in writes] == [("INSERT", True)]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_once_a_reads_writes_end_it_reads_again_without_the_lock(app, begins, end):
    """After an audited page commits (or an answer is refused and rolled back), rendering the page
    may still query (a lazy load): that must not take the write lock for the rest of the request."""
    with app.app_context():
        token = db.begin_mode.set("BEGIN")
        try:
            session = db.session()
            session.execute(sa.select(1))
            db.start_writing()
            db.start_writing()  # a second call (the audit helper's) changes nothing
            session.connection().execute(
                sa.insert(AuditEvent.__table__), {"action": "test.write", "at": utcnow()}
            )
            getattr(session, end)()
            session.execute(sa.select(1))
        finally:
            db.begin_mode.reset(token)
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_csv_export_reads_one_snapshot_and_locks_only_for_its_audit_row(
    client, make_user, make_patient, login, begins
):
    educator = make_user("educator")
    make_patient(educator=educator)
    login(client, educator)
    begins.clear()
    assert client.get("/educator/patients.csv").status_code == 200
    # its chunks read in one deferred transaction, then the lock only to write the audit event
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_one_statement_write_allows_one_statement_only_in_tests(app):
    """PostgreSQL runs a one-statement write in autocommit: a second write would commit on its
    own, so the tests refuse it (the answer's WITH statement is the one)."""

    @app.post("/test-one-statement")
    def one_statement() -> str:
        db.start_writing(one_statement=True)
        table = AuditEvent.__table__
        conn = db.connection()
        conn.execute(sa.insert(table), {"action": "test.first", "at": utcnow()})
        conn.execute(sa.insert(table), {"action": "test.second", "at": utcnow()})
        return "written"

    db.reads_first(one_statement)
    app.config["WTF_CSRF_ENABLED"] = False
    with pytest.raises(RuntimeError, match=r"one_statement=True allows one statement only"):
        app.test_client().post("/test-one-statement")


def test_an_audit_alone_in_a_view_that_writes_more_joins_its_transaction(app, make_patient, dbs):
    """A GET view that writes more than its audit event calls db.start_writing() first: the event
    then goes into that transaction with the rest, even when marked ``alone``."""
    patient = make_patient(name="Before")

    @app.get("/test-audit-alone")
    def audit_alone() -> str:
        db.start_writing()
        db.session().get(Patient, patient.id).display_name = "After"
        audit("test.alone", patient_id=patient.id, alone=True)
        db.session().commit()
        return "written"

    with recorded_autocommit(db.state(app).engine) as seen:
        assert app.test_client().get("/test-audit-alone").status_code == 200
    writes = [(verb, autocommit) for verb, autocommit in seen if verb in ("INSERT", "UPDATE")]
    assert sorted(writes) == [("INSERT", False), ("UPDATE", False)]
    dbs.expire_all()
    assert dbs.get(Patient, patient.id).display_name == "After"
    assert dbs.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "test.alone")) == 1
