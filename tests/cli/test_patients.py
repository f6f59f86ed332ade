"""``flask patients add`` and ``flask demo``."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quizapp.models import Assignment, Bank, Document, Patient

CODE_RE = re.compile(r"Access code: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


def test_adds_a_patient_and_prints_a_code_that_works(runner, app, dbs, make_user, enter_code):
    educator = make_user("educator", email="nurse@example.org")
    result = runner.invoke(
        args=[
            "patients",
            "add",
            "--educator",
            "nurse@example.org",
            "--name",
            "Walter Smith",
            "--consult-date",
            "2026-12-24",
            "--mrn",
            "MRN42",
        ]
    )
    assert result.exit_code == 0, result.output
    code = CODE_RE.search(result.output).group(1)
    patient = dbs.scalar(sa.select(Patient))
    assert (patient.display_name, patient.mrn, str(patient.consult_date)) == (
        "Walter Smith",
        "MRN42",
        "2026-12-24",
    )
    assert patient.educator_id == educator.id
    assert enter_code(app.test_client(), code).status_code == 302


def test_assigns_a_bank_when_given(runner, dbs, make_user):
    make_user("educator", email="nurse@example.org")
    dbs.add(
        Bank(slug="cryo", title="Cryo", document=Document(slug="cryo", title="Cryo", body="# Cryo"))
    )
    dbs.commit()
    result = runner.invoke(
        args=[
            "patients",
            "add",
            "--educator",
            "nurse@example.org",
            "--name",
            "Al",
            "--bank",
            "cryo",
        ]
    )
    assert result.exit_code == 0, result.output
    assert dbs.scalar(sa.select(sa.func.count(Assignment.id))) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--educator", "ghost@example.org", "--name", "Al"],
            "No active educator account for ghost@example.org",
        ),
        (["--educator", "admin@example.org", "--name", "Al"], "No active educator account"),
        (["--educator", "nurse@example.org", "--name", "   "], "Enter the patient's name"),
        (
            ["--educator", "nurse@example.org", "--name", "Al", "--bank", "nope"],
            "No bank with slug 'nope'",
        ),
        (
            ["--educator", "nurse@example.org", "--name", "Al", "--consult-date", "24/12/2026"],
            "is not a date",
        ),
        (["--educator", "nurse@example.org", "--name", "Al", "--mrn", "M1"], "already enrolled"),
    ],
)
def test_bad_arguments_get_a_clear_error_and_store_nothing(
    runner, dbs, make_user, make_patient, args, message
):
    nurse = make_user("educator", email="nurse@example.org")
    make_user("admin", email="admin@example.org")
    make_patient(educator=nurse, mrn="M1")
    result = runner.invoke(args=["patients", "add", *args])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert dbs.scalar(sa.select(sa.func.count(Patient.id))) == 1


def test_demo_loads_accounts_and_a_patient_and_can_run_again(runner, app, login):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "educator@example.org / demo-password-2026" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    old_code = CODE_RE.search(first.output.replace("type the code ", "Access code: ")).group(1)
    new_code = CODE_RE.search(second.output.replace("type the code ", "Access code: ")).group(1)
    client = app.test_client()
    from tests.helpers import post_form

    assert post_form(client, "/start", {"code": old_code}).status_code == 422  # replaced
    assert post_form(client, "/start", {"code": new_code}).status_code == 302
    staff = app.test_client()
    assert (
        post_form(
            staff, "/login", {"email": "educator@example.org", "password": "demo-password-2026"}
        ).status_code
        == 302
    )
    assert "Demo Patient" in staff.get("/educator/").get_data(as_text=True)
