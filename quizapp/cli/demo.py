"""``demo``: demo accounts and a demo patient, for trying quizapp locally."""

from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from quizapp import db
from quizapp.models import Bank, Patient
from quizapp.operations import patients as patient_ops
from quizapp.operations import users as user_ops

#: Demo accounts only; printed by `make run`, never used outside demo data.
DEMO_PASSWORD = "demo-password-2026"  # nosec B105
DEMO_STAFF = (
    ("admin@example.org", "admin", "Demo Administrator"),
    ("educator@example.org", "educator", "Demo Educator"),
)
DEMO_PATIENT = "Demo Patient"


@click.command("demo")
@with_appcontext
def command() -> None:
    """Load demo accounts and a demo patient (safe to run again; prints a fresh patient code)."""
    session = db.session()
    for email, role, name in DEMO_STAFF:
        if user_ops.find_by_email(session, email) is None:
            user_ops.create_user(session, email, role, DEMO_PASSWORD, name)
    educator = user_ops.find_by_email(session, "educator@example.org")
    if educator is None or educator.role != "educator":
        raise click.ClickException("educator@example.org exists but is not an educator account.")
    patient = session.scalar(
        sa.select(Patient).where(
            Patient.educator_id == educator.id, Patient.display_name == DEMO_PATIENT
        )
    )
    if patient is None:
        consult = dt.date.today() + dt.timedelta(days=7)
        patient = patient_ops.add_patient(session, educator, DEMO_PATIENT, None, consult)
    bank = session.scalar(sa.select(Bank).order_by(Bank.id))
    if bank is not None and not any(a.bank_id == bank.id for a in _assignments(session, patient)):
        patient_ops.assign_bank(session, patient, bank, educator)
    code = patient_ops.issue_code(
        session,
        patient,
        current_app.config["SECRET_KEY"],
        current_app.config["QUIZAPP_ACCESS_CODE_DAYS"],
        educator,
    )
    session.commit()
    click.echo("Demo data loaded. Sign in at http://127.0.0.1:5000/login with:")
    for email, role, _ in DEMO_STAFF:
        click.echo(f"  {role:9} {email} / {DEMO_PASSWORD}")
    click.echo(f"Patient: open http://127.0.0.1:5000/start and type the code {code}")


def _assignments(session: sa.orm.Session, patient: Patient) -> list:
    from quizapp.models import Assignment

    return list(session.scalars(sa.select(Assignment).where(Assignment.patient_id == patient.id)))
