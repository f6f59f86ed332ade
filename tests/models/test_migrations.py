"""The migrations: head matches the models, and downgrade/upgrade work on a populated database."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from quizapp import db
from quizapp.migrate import alembic_config
from quizapp.models import AuditEvent, Base, Patient, User


def test_upgrade_head_produces_exactly_the_models(app):
    with db.state(app).engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_downgrade_to_base_and_upgrade_again_on_a_populated_database(app, make_patient, dbs):
    patient = make_patient(name="Kept Until Downgrade")
    dbs.add(AuditEvent(action="test.event", patient_id=patient.id))
    dbs.commit()
    dbs.close()
    engine = db.state(app).engine
    with app.app_context():
        command.downgrade(alembic_config(app), "base")
        assert sa.inspect(engine).get_table_names() == ["alembic_version"]
        command.upgrade(alembic_config(app), "head")
    tables = set(sa.inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with app.app_context():
        session = db.session()
        assert session.scalar(sa.select(sa.func.count(User.id))) == 0
        assert session.scalar(sa.select(sa.func.count(Patient.id))) == 0
    # the protection triggers are back after the round trip
    with engine.begin() as conn:
        conn.execute(
            sa.insert(AuditEvent).values(
                action="x", target="", outcome="ok", ip="", at=sa.func.now()
            )
        )
    with pytest_raises_refusal():
        with engine.begin() as conn:
            conn.execute(sa.delete(AuditEvent))


def pytest_raises_refusal():
    import pytest

    return pytest.raises((sa.exc.IntegrityError, sa.exc.DatabaseError))


def test_each_upgrade_keeps_existing_rows(app, make_patient, issue_code, dbs):
    """Stepping down to the first revision and up again keeps patients and their codes."""
    from quizapp.models import AccessCode

    patient = make_patient(name="Kept Through Migrations")
    issue_code(patient)
    dbs.close()
    with app.app_context():
        command.downgrade(alembic_config(app), "0001")
        command.upgrade(alembic_config(app), "head")
    with app.app_context():
        session = db.session()
        assert session.get(Patient, patient.id).display_name == "Kept Through Migrations"
        assert session.scalar(sa.select(sa.func.count(AccessCode.id))) == 1
