"""Which patients a staff member may see: educators their own, administrators all."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from quizapp import db
from quizapp.driver_statements import DriverStatement
from quizapp.models import Bank, Patient, Question, QuestionStatus, Role


def visible_patient(patient_id: int) -> Patient:
    """The patient, if the signed-in staff member may see them; 404 otherwise (audited)."""
    query = sa.select(Patient).where(Patient.id == patient_id)
    if current_user.role != Role.ADMIN:
        query = query.where(Patient.educator_id == current_user.id)
    patient = db.session().scalar(query)
    if patient is None:
        abort(404)
    return patient


def assignable_banks() -> list[tuple[str, str]]:
    """(slug, title) of banks with at least one approved question."""
    return [(slug, title) for slug, title in _ASSIGNABLE_BANKS.all(db.session(), {})]


#: On the driver: the summary page, shown before every consult, runs it each time.
_ASSIGNABLE_BANKS = DriverStatement(
    sa.select(Bank.slug, Bank.title)
    .where(
        sa.exists().where(Question.bank_id == Bank.id, Question.status == QuestionStatus.APPROVED)
    )
    .order_by(Bank.title)
)
