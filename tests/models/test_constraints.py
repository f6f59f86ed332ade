"""Every constraint of the data model, on both engines: impossible states are refused."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from quizapp.models import (
    AuditEvent,
    Bank,
    Choice,
    Document,
    Patient,
    Question,
    QuestionVersion,
    Response,
    ResponseChoice,
    Round,
    RoundItem,
    Topic,
    User,
    utcnow,
)
from quizapp.operations import patients as patient_ops

REFUSED = (sa.exc.IntegrityError, sa.exc.DatabaseError)


@pytest.fixture
def bank(dbs):
    """A bank with one topic and one question of one version with two choices."""
    document = Document(slug="doc", title="Doc", body="# Doc\n\n## Part\n\nText.")
    bank = Bank(slug="bank", title="Bank", document=document)
    topic = Topic(bank=bank, key="t1", title="Topic one")
    question = Question(bank=bank, topic=topic, key="q1", status="approved")
    version = QuestionVersion(
        question=question, number=1, kind="single", stem="Stem?", source_excerpt="Text."
    )
    version.choices = [
        Choice(position=0, text="Yes", is_correct=True),
        Choice(position=1, text="No"),
    ]
    dbs.add(bank)
    dbs.commit()
    return bank


@pytest.fixture
def assignment(dbs, bank, make_patient):
    patient = make_patient()
    assignment = patient_ops.assign_bank(dbs, patient, bank, None)
    dbs.commit()
    return assignment


def refused(dbs, *objects) -> None:
    """Assert the database refuses to store ``objects``."""
    dbs.add_all(objects)
    with pytest.raises(REFUSED):
        dbs.commit()
    dbs.rollback()


def version_of(bank: Bank) -> QuestionVersion:
    return bank.questions[0].versions[0]


def test_staff_email_is_unique(dbs, make_user):
    user = make_user()
    refused(dbs, User(email=user.email, role="admin", password_hash="x"))


def test_staff_email_must_be_lower_case(dbs):
    refused(dbs, User(email="Someone@Example.org", role="admin", password_hash="x"))


def test_staff_role_must_be_admin_or_educator(dbs):
    refused(dbs, User(email="p@example.org", role="patient", password_hash="x"))


def test_patient_needs_a_name_and_an_existing_educator(dbs, make_user):
    refused(dbs, Patient(display_name="", educator=make_user()))
    refused(dbs, Patient(display_name="Ann", educator_id=999_999))


def test_patient_mrn_is_unique_when_present(dbs, make_patient):
    first = make_patient(mrn="MRN-1")
    make_patient(educator=first.educator, mrn=None)
    make_patient(educator=first.educator, mrn=None)  # many patients may have no MRN
    refused(dbs, Patient(display_name="Other", mrn="MRN-1", educator=first.educator))


def test_educator_with_patients_cannot_be_deleted(dbs, make_patient):
    patient = make_patient()
    dbs.delete(patient.educator)
    with pytest.raises(REFUSED):
        dbs.flush()
    dbs.rollback()


def test_topic_and_question_keys_are_unique_within_a_bank(dbs, bank):
    refused(dbs, Topic(bank=bank, key="t1", title="Again"))
    refused(dbs, Question(bank=bank, topic=bank.topics[0], key="q1"))


def test_question_status_and_version_kind_are_known_values(dbs, bank):
    refused(dbs, Question(bank=bank, topic=bank.topics[0], key="q2", status="published"))
    question = bank.questions[0]
    refused(
        dbs,
        QuestionVersion(question=question, number=2, kind="essay", stem="?", source_excerpt="x"),
    )


def test_version_numbers_are_unique_and_positive(dbs, bank):
    question = bank.questions[0]
    refused(
        dbs,
        QuestionVersion(question=question, number=1, kind="single", stem="?", source_excerpt="x"),
    )
    refused(
        dbs,
        QuestionVersion(question=question, number=0, kind="single", stem="?", source_excerpt="x"),
    )


def test_choice_positions_are_unique_within_a_version(dbs, bank):
    refused(dbs, Choice(version=version_of(bank), position=0, text="Again"))


@pytest.mark.parametrize(
    "column, value", [("stem", "Changed?"), ("explanation", "Changed"), ("source_excerpt", "Other")]
)
def test_a_question_version_never_changes(dbs, bank, column, value):
    version_id = version_of(bank).id
    with pytest.raises(REFUSED, match="never change"):
        dbs.execute(
            sa.update(QuestionVersion)
            .where(QuestionVersion.id == version_id)
            .values({column: value})
        )
    dbs.rollback()
    assert dbs.get(QuestionVersion, version_id).stem == "Stem?"


def test_a_choice_never_changes(dbs, bank):
    choice_id = version_of(bank).choices[1].id
    with pytest.raises(REFUSED, match="never change"):
        dbs.execute(sa.update(Choice).where(Choice.id == choice_id).values(is_correct=True))
    dbs.rollback()


def test_assignment_is_unique_per_patient_and_bank_and_settings_are_bounded(dbs, assignment, bank):
    patient = assignment.patient
    refused(dbs, type(assignment)(patient=patient, bank=bank, seed=1))
    other = Bank(slug="bank2", title="Bank 2", document=bank.document)
    refused(dbs, type(assignment)(patient=patient, bank=other, seed=1, questions_per_topic=0))
    refused(dbs, type(assignment)(patient=patient, bank=other, seed=1, max_rounds=11))


def test_at_most_one_open_round_per_assignment(dbs, assignment):
    dbs.add(Round(assignment=assignment, number=1))
    dbs.commit()
    refused(dbs, Round(assignment=assignment, number=2))
    first = dbs.scalar(sa.select(Round).where(Round.assignment_id == assignment.id))
    first.finished_at = utcnow()
    dbs.add(Round(assignment=assignment, number=2))
    dbs.commit()  # once the first is finished a second may open
    refused(dbs, Round(assignment=assignment, number=2, finished_at=utcnow()))


def test_one_response_per_question_version_per_round(dbs, assignment, bank):
    round_ = Round(assignment=assignment, number=1)
    version = version_of(bank)
    dbs.add(Response(round=round_, version=version, is_correct=True))
    dbs.commit()
    refused(dbs, Response(round=round_, version=version, is_correct=False))


def test_round_items_are_unique_by_position_and_by_question(dbs, assignment, bank):
    round_ = Round(assignment=assignment, number=1)
    version = version_of(bank)
    dbs.add(RoundItem(round=round_, position=0, version=version))
    dbs.commit()
    refused(dbs, RoundItem(round=round_, position=0, version=version))
    refused(dbs, RoundItem(round=round_, position=1, version=version))


def test_an_answered_version_cannot_be_deleted(dbs, assignment, bank):
    version = version_of(bank)
    response = Response(
        round=Round(assignment=assignment, number=1), version=version, is_correct=True
    )
    response.chosen = [ResponseChoice(choice=version.choices[0])]
    dbs.add(response)
    dbs.commit()
    dbs.execute(sa.delete(Choice).where(Choice.id == version.choices[1].id))  # unpicked: allowed
    with pytest.raises(REFUSED):
        dbs.execute(sa.delete(QuestionVersion).where(QuestionVersion.id == version.id))
    dbs.rollback()


def test_audit_events_are_append_only(dbs):
    dbs.add(AuditEvent(action="patient.summary.view", patient_id=1))
    dbs.commit()
    with pytest.raises(REFUSED, match="append-only"):
        dbs.execute(sa.update(AuditEvent).values(action="edited"))
    dbs.rollback()
    with pytest.raises(REFUSED, match="append-only"):
        dbs.execute(sa.delete(AuditEvent))
    dbs.rollback()
    assert dbs.scalar(sa.select(sa.func.count(AuditEvent.id))) == 1


def test_timestamps_come_back_timezone_aware_utc(dbs, make_patient):
    patient = make_patient(consult_date=dt.date(2026, 12, 1))
    dbs.expire_all()
    stored = dbs.get(Patient, patient.id)
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == dt.timedelta(0)
    assert stored.consult_date == dt.date(2026, 12, 1)
