"""Statements run on the driver's cursor give what SQLAlchemy would, in the request's
transaction, seen by the statement events, with SQLAlchemy's errors; on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from quizapp import db
from quizapp.driver_statements import DriverStatement
from quizapp.models import AuditEvent, Round, utcnow
from quizapp.operations import audit
from quizapp.patient import locate
from tests.helpers import csrf_from, recorded_statements

_events = AuditEvent.__table__
_EVENTS = sa.select(_events.c.id, _events.c.at, _events.c.action, _events.c.patient_id).order_by(
    _events.c.id
)
#: A literal fixed in the statement next to the caller's parameter.
_PLUS_FIVE = sa.select((sa.literal(5) + sa.bindparam("n", type_=sa.Integer)).label("sum"))


def _write_events(conn: sa.Connection, count: int) -> None:
    for n in range(count):
        audit.write(conn, audit.event(f"test.event.{n}", patient_id=n, target="t"))


def test_rows_and_types_are_sqlalchemys(app):
    at = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    with app.app_context():
        conn = db.connection()
        audit.write(conn, audit.event("test.first") | {"at": at})
        _write_events(conn, 2)
        conn.commit()
        by_driver = DriverStatement(_EVENTS).all(conn, {})
        assert by_driver == [tuple(row) for row in conn.execute(_EVENTS)]
        assert by_driver[0][1:3] == (at, "test.first")  # an aware UTC datetime, as stored
        assert by_driver[0][1].tzinfo is not None
        assert DriverStatement(_EVENTS).first(conn, {}) == by_driver[0]
        assert DriverStatement(_PLUS_FIVE).scalar(conn, {"n": 37}) == 42


def test_a_write_is_in_the_connections_transaction(app):
    with app.app_context():
        conn = db.connection()
        _write_events(conn, 1)
        assert conn.in_transaction()
        conn.rollback()
        assert conn.execute(sa.select(sa.func.count()).select_from(_events)).scalar() == 0
        _write_events(conn, 2)
        conn.commit()
    with app.app_context():
        assert (
            db.connection().execute(sa.select(sa.func.count()).select_from(_events)).scalar() == 2
        )


def test_a_session_runs_it_in_its_own_transaction(app):
    with app.app_context():
        session = db.session()
        audit._INSERT.execute(session, audit.event("test.session"))
        assert session.scalar(sa.select(_events.c.action)) == "test.session"
        session.rollback()
        assert session.scalar(sa.select(sa.func.count()).select_from(_events)) == 0


def test_many_parameter_sets_run_in_one_call(app):
    with app.app_context():
        conn = db.connection()
        audit._INSERT.execute_many(conn, [audit.event(f"test.{n}") for n in range(3)])
        conn.commit()
        actions = [row[2] for row in DriverStatement(_EVENTS).all(conn, {})]
        assert actions == ["test.0", "test.1", "test.2"]


def test_a_statement_that_needs_python_defaults_is_refused(app):
    """The audit table's ``target`` and ``outcome`` have Python-side defaults, which SQLAlchemy
    computes at execution: a driver statement would have written NULLs."""
    relies_on_defaults = DriverStatement(
        sa.insert(_events).values(action=sa.bindparam("action"), at=sa.bindparam("at"))
    )
    with app.app_context(), pytest.raises(ValueError, match="every column"):
        relies_on_defaults.execute(db.connection(), {"action": "test", "at": utcnow()})


def test_statement_events_see_it(app):
    with app.app_context(), recorded_statements(db.state(app).engine) as seen:
        DriverStatement(_PLUS_FIVE).scalar(db.connection(), {"n": 1})
    assert [s for s in seen if not s.startswith("BEGIN")] == [
        str(_PLUS_FIVE.compile(dialect=db.state(app).engine.dialect))
    ]


def test_a_driver_error_is_sqlalchemys_and_leaves_the_transaction_to_roll_back(app):
    with app.app_context():
        conn = db.connection()
        with pytest.raises(sa.exc.IntegrityError):
            audit._INSERT.execute(conn, audit.event("test") | {"action": None})
        conn.rollback()
        assert DriverStatement(_PLUS_FIVE).scalar(conn, {"n": 0}) == 5


def test_a_missing_parameter_is_a_key_error_before_anything_runs(app):
    with app.app_context(), recorded_statements(db.state(app).engine) as seen:
        with pytest.raises(KeyError, match="n"):
            DriverStatement(_PLUS_FIVE).scalar(db.connection(), {})
    assert seen == []


def test_parameters_expanded_at_execution_are_refused(app):
    listed = DriverStatement(
        sa.select(_events.c.id).where(_events.c.id.in_(sa.bindparam("ids", expanding=True)))
    )
    with app.app_context(), pytest.raises(ValueError, match="expand"):
        listed.all(db.connection(), {"ids": [1, 2]})


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_the_server_dropped_is_invalidated(app):
    with app.app_context():
        conn = db.connection()
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        conn.commit()
        with db.state(app).engine.connect() as other:
            other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
            other.commit()
        with pytest.raises(sa.exc.OperationalError) as raised:
            DriverStatement(_PLUS_FIVE).scalar(conn, {"n": 1})
        assert raised.value.connection_invalidated
        assert conn.invalidated


def test_the_question_pages_statement_is_the_same_on_both_paths(
    app, make_assignment, issue_code, enter_code
):
    """The sign-in check and question of the busiest page: the driver's row is SQLAlchemy's, for
    a question and for none."""
    assignment = make_assignment()
    client = app.test_client()
    assert enter_code(client, issue_code(assignment.patient)).status_code == 302
    page = client.get("/learn/").get_data(as_text=True)
    assert client.post(f"/learn/{assignment.id}/rounds", data={"csrf_token": csrf_from(page)})
    patient = assignment.patient
    params = {"patient_id": patient.id, "token": patient.session_token}
    with app.app_context():
        conn = db.connection()
        conn.execute(sa.update(Round).values(finished_at=utcnow()))  # a datetime column too
        for where in ((assignment.id, 1, 0), (assignment.id, 1, 1), (0, 1, 0)):
            values = params | dict(zip(("assignment_id", "number", "index"), where, strict=True))
            by_driver = locate._RUN_SIGNED_IN_ITEM.first(conn, values)
            assert by_driver == tuple(conn.execute(locate._SIGNED_IN_ITEM, values).one())
            assert by_driver[:3] == (patient.id, patient.display_name, patient.session_token)
            assert (by_driver[3] is None) == (where[0] == 0)
            if by_driver[3] is not None:
                assert isinstance(by_driver[8], dt.datetime) and by_driver[8].tzinfo is not None
        assert locate._RUN_SIGNED_IN_ITEM.first(conn, values | {"token": "stale"}) is None
        conn.rollback()


def test_statements_sqlalchemy_renders_at_execution_are_refused(app):
    literal = DriverStatement(
        sa.select(_events.c.id).where(_events.c.action == sa.bindparam("a", literal_execute=True))
    )
    with app.app_context(), pytest.raises(ValueError, match="expand or rename"):
        literal.all(db.connection(), {"a": "x"})


def test_an_error_shows_no_parameters(app):
    """A session token and a patient's details are parameters: SQLAlchemy's error, as this
    raises it, leaves them out (the server's own words are kept out of the log, see
    tests/test_errors_log.py)."""
    with app.app_context():
        conn = db.connection()
        secret = audit.event("test", target="secret-token-123") | {"action": None}
        with pytest.raises(sa.exc.IntegrityError) as raised:
            audit._INSERT.execute(conn, secret)
        assert "SQL parameters hidden" in str(raised.value)
        assert "[parameters:" not in str(raised.value)
        conn.rollback()


@pytest.mark.parametrize("app_config", [{"QUIZAPP_SQL_ECHO": True}])
def test_sql_echo_shows_driver_statements_without_their_parameters(app, caplog):
    """With QUIZAPP_SQL_ECHO on, a driver statement is logged like SQLAlchemy's own: the SQL, and
    never its parameters (a session token is among them)."""
    with app.app_context(), caplog.at_level("INFO", logger="sqlalchemy.engine"):
        conn = db.connection()
        assert DriverStatement(_PLUS_FIVE).scalar(conn, {"n": 37}) == 42
        conn.rollback()
    logged = [r.getMessage() for r in caplog.records if "driver statement" in r.getMessage()]
    assert len(logged) == 1 and "SELECT" in logged[0] and "37" not in logged[0]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_runs_a_statement_again_on_its_kept_cursor(app):
    used = []

    def on_execute(_conn, cursor, *_args) -> None:
        used.append(cursor)

    sa.event.listen(db.state(app).engine, "before_cursor_execute", on_execute)
    try:
        with app.app_context():
            conn = db.connection()
            plus_five, other = DriverStatement(_PLUS_FIVE), DriverStatement(_PLUS_FIVE)
            assert [plus_five.scalar(conn, {"n": n}) for n in (1, 2)] == [6, 7]
            assert other.scalar(conn, {"n": 3}) == 8
    finally:
        sa.event.remove(db.state(app).engine, "before_cursor_execute", on_execute)
    first, again, another = used
    assert again is first and not first.closed  # kept, with what psycopg learnt of the statement
    assert another is not first  # one cursor per statement


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_statement_runs_again_after_failing_on_its_kept_cursor(app):
    as_number = DriverStatement(
        sa.select(sa.cast(sa.bindparam("text", type_=sa.String), sa.Integer).label("n"))
    )
    with app.app_context():
        conn = db.connection()
        assert as_number.scalar(conn, {"text": "5"}) == 5
        with pytest.raises(sa.exc.DataError):
            as_number.scalar(conn, {"text": "five"})
        conn.rollback()
        assert as_number.scalar(conn, {"text": "7"}) == 7
