"""``patients``: enrol a patient from the command line."""

from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from quizapp import db
from quizapp.models import Bank, Role
from quizapp.operations import patients as patient_ops
from quizapp.operations import users as user_ops

group = AppGroup("patients", help="Enrol patients and issue access codes.")


def parse_date(value: str | None) -> dt.date | None:
    """A YYYY-MM-DD date, or None; raises ValueError with a readable message."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date; use the form 2026-12-31.") from None


@group.command("add")
@click.option("--educator", "educator_email", required=True, help="Email of the owning educator.")
@click.option("--name", required=True, help="The patient's display name.")
@click.option("--mrn", default=None, help="Medical record number (optional).")
@click.option("--bank", "bank_slug", default=None, help="Slug of a bank to assign.")
@click.option("--consult-date", default=None, help="Date of the consent discussion, YYYY-MM-DD.")
def add(
    educator_email: str, name: str, mrn: str | None, bank_slug: str | None, consult_date: str | None
) -> None:
    """Enrol a patient and print their access code (shown only this once)."""
    session = db.session()
    educator = user_ops.find_by_email(session, educator_email)
    if educator is None or educator.role != Role.EDUCATOR or not educator.is_active:
        raise click.ClickException(f"No active educator account for {educator_email}.")
    bank = None
    if bank_slug:
        bank = session.scalar(sa.select(Bank).where(Bank.slug == bank_slug))
        if bank is None:
            raise click.ClickException(
                f"No bank with slug {bank_slug!r}. Import it with `bank import`."
            )
    try:
        patient = patient_ops.add_patient(session, educator, name, mrn, parse_date(consult_date))
        if bank is not None:
            patient_ops.assign_bank(session, patient, bank, educator)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    code = patient_ops.issue_code(
        session,
        patient,
        current_app.config["SECRET_KEY"],
        current_app.config["QUIZAPP_ACCESS_CODE_DAYS"],
        educator,
    )
    session.commit()
    click.echo(f"Enrolled patient {patient.id}.")
    click.echo(f"Access code: {code}")
