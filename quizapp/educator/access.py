"""Which patients a staff member may see: educators their own, administrators all."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from quizapp import db
from quizapp.driver_statements import DriverStatement
from quizapp.models import Bank, Patient, Question, QuestionStatus, Role

#: A patient by bound ``patient_id``; and the same only when their educator is bound
#: ``educator_id``. Built once: a statement built per request costs more than the lookup.
_PATIENT = sa.select(Patient).where(Patient.id == sa.bindparam("patient_id"))
_PATIENT_OF_EDUCATOR = _PATIENT.where(Patient.educator_id == sa.bindparam("educator_id"))
#: Banks with an approved question, by title; on the driver: the summary page, shown before every
#: consult, runs it each time.
_ASSIGNABLE_BANKS = DriverStatement(
    sa.select(Bank.slug, Bank.title)
    .where(
        sa.exists().where(Question.bank_id == Bank.id, Question.status == QuestionStatus.APPROVED)
    )
    .order_by(Bank.title)
)


def visible_patient(patient_id: int) -> Patient:
    """The patient, if the signed-in staff member may see them; 404 otherwise (audited)."""
    if current_user.role == Role.ADMIN:
        patient = db.session().scalar(_PATIENT, {"patient_id": patient_id})
    else:
        params = {"patient_id": patient_id, "educator_id": current_user.id}
        patient = db.session().scalar(_PATIENT_OF_EDUCATOR, params)
    if patient is None:
        abort(404)
    return patient


def assignable_banks() -> list[tuple[str, str]]:
    """(slug, title) of banks with at least one approved question."""
    return [(slug, title) for slug, title in _ASSIGNABLE_BANKS.all(db.session(), {})]
