"""Enrolling patients and managing their access codes."""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.models import AccessCode, Assignment, Bank, Patient, User, utcnow
from quizapp.models.people import new_session_token
from quizapp.security import access_codes


class EnrolmentError(ValueError):
    """A patient change was refused; the message says why."""


def add_patient(
    db: Session,
    educator: User,
    display_name: str,
    mrn: str | None = None,
    consult_date: dt.date | None = None,
    enrolment_key: str | None = None,
) -> Patient:
    """Stage a new patient owned by ``educator``."""
    display_name = " ".join(display_name.split())
    if not display_name:
        raise EnrolmentError("Enter the patient's name.")
    if len(display_name) > 120:
        raise EnrolmentError("The name is too long (120 characters at most).")
    mrn = (mrn or "").strip() or None
    if mrn is not None:
        if len(mrn) > 40:
            raise EnrolmentError("The MRN is too long (40 characters at most).")
        if db.scalar(sa.select(Patient.id).where(Patient.mrn == mrn)) is not None:
            raise EnrolmentError("A patient with this MRN is already enrolled.")
    patient = Patient(
        display_name=display_name,
        mrn=mrn,
        consult_date=consult_date,
        educator=educator,
        enrolment_key=enrolment_key,
    )
    db.add(patient)
    db.flush()
    return patient


def find_by_enrolment_key(db: Session, key: str) -> Patient | None:
    """The patient an enrolment form with this key already created, if any."""
    if not key:
        return None
    return db.scalar(sa.select(Patient).where(Patient.enrolment_key == key))


def assign_bank(
    db: Session,
    patient: Patient,
    bank: Bank,
    assigned_by: User | None,
    questions_per_topic: int = 2,
    max_rounds: int = 3,
    rng: random.Random | None = None,
) -> Assignment:
    """Give ``bank`` to ``patient`` with these settings."""
    if not 1 <= questions_per_topic <= 10:
        raise EnrolmentError("Questions per topic must be between 1 and 10.")
    if not 1 <= max_rounds <= 10:
        raise EnrolmentError("Maximum rounds must be between 1 and 10.")
    exists = db.scalar(
        sa.select(Assignment.id).where(
            Assignment.patient_id == patient.id, Assignment.bank_id == bank.id
        )
    )
    if exists is not None:
        raise EnrolmentError("This bank is already assigned to this patient.")
    assignment = Assignment(
        patient=patient,
        bank=bank,
        assigned_by=assigned_by,
        questions_per_topic=questions_per_topic,
        max_rounds=max_rounds,
        seed=(rng or random.SystemRandom()).randrange(2**31),
    )
    db.add(assignment)
    db.flush()
    return assignment


def issue_code(
    db: Session, patient: Patient, key: str, valid_days: int, issued_by: User | None = None
) -> str:
    """Revoke the patient's live codes and stage a new one; returns the code, shown only once."""
    revoke_codes(db, patient)
    code = access_codes.generate_code()
    normalized = access_codes.normalize(code) or ""  # generate_code always yields a valid code
    db.add(
        AccessCode(
            patient=patient,
            code_hash=access_codes.code_hash(normalized, key),
            expires_at=utcnow() + dt.timedelta(days=valid_days),
            created_by_id=issued_by.id if issued_by else None,
        )
    )
    db.flush()
    return code


def revoke_codes(db: Session, patient: Patient) -> int:
    """Revoke every live code of the patient and end their sessions; returns how many."""
    now = utcnow()
    live = db.scalars(
        sa.select(AccessCode).where(
            AccessCode.patient_id == patient.id, AccessCode.revoked_at.is_(None)
        )
    ).all()
    for code in live:
        code.revoked_at = now
    patient.session_token = new_session_token()
    db.flush()
    return len(live)


def find_code(db: Session, typed: str, key: str) -> AccessCode | None:
    """The access code a patient typed (usable or not), or None if there is no such code."""
    normalized = access_codes.normalize(typed)
    if normalized is None:
        return None
    return db.scalar(
        sa.select(AccessCode).where(AccessCode.code_hash == access_codes.code_hash(normalized, key))
    )
