"""Enrolling a patient, the access slip, and reissuing or revoking a code."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from quizapp.models import AccessCode, Assignment, AuditEvent, Patient
from tests.helpers import csrf_from, post_form

CODE_RE = re.compile(r'class="code-big">([0-9A-Z-]{14})<')
FUTURE = (dt.date.today() + dt.timedelta(days=10)).isoformat()


@pytest.fixture
def educator_client(app, make_user, login, bundled_bank):
    educator = make_user("educator")
    client = app.test_client()
    login(client, educator)
    return client, educator


def enrol(client, **fields):
    data = {
        "display_name": "Walter Smith",
        "mrn": "",
        "consult_date": FUTURE,
        "bank": "salvage-prostate-cryoablation",
        "questions_per_topic": "2",
        "max_rounds": "3",
    }
    return post_form(client, "/educator/patients/new", {**data, **fields})


def test_enrolling_shows_a_slip_whose_code_works(app, educator_client, dbs, enter_code):
    client, educator = educator_client
    response = enrol(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Print this slip now" in page
    assert "http://127.0.0.1:5000/start" in page and "Walter Smith" in page
    code = CODE_RE.search(page).group(1)
    patient = dbs.scalar(sa.select(Patient))
    assert patient.educator_id == educator.id and str(patient.consult_date) == FUTURE
    assert dbs.scalar(sa.select(Assignment.questions_per_topic)) == 2
    assert enter_code(app.test_client(), code).status_code == 302
    assert (
        dbs.scalar(sa.select(AuditEvent.action).where(AuditEvent.patient_id == patient.id))
        == "patient.enrol"
    )


def test_the_same_form_sent_twice_enrols_once(educator_client, dbs):
    client, _ = educator_client
    page = client.get("/educator/patients/new").get_data(as_text=True)
    key = re.search(r'name="enrolment_key" type="hidden" value="([^"]+)"', page).group(1)
    data = {
        "csrf_token": csrf_from(page),
        "enrolment_key": key,
        "display_name": "Once Only",
        "bank": "",
        "questions_per_topic": "2",
        "max_rounds": "3",
    }
    assert client.post("/educator/patients/new", data=data).status_code == 200
    again = client.post("/educator/patients/new", data=data, follow_redirects=True)
    assert "This patient was already added" in again.get_data(as_text=True)
    assert dbs.scalar(sa.select(sa.func.count(Patient.id))) == 1


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"display_name": ""}, "Enter the patient&#39;s name."),
        ({"display_name": "x" * 121}, "Use 120 characters or fewer."),
        ({"mrn": "M" * 41}, "Use 40 characters or fewer."),
        (
            {"consult_date": "24/12/2026"},
            "Enter the date as year-month-day, for example 2026-12-24.",
        ),
        ({"consult_date": "2020-01-01"}, "The consult date is in the past."),
        ({"questions_per_topic": "0"}, "Choose a number from 1 to 5."),
        ({"max_rounds": "many"}, "Not a valid integer value."),
        ({"bank": "no-such-bank"}, "Not a valid choice."),
    ],
)
def test_bad_values_get_a_clear_message_beside_the_field_and_enrol_no_one(
    educator_client, dbs, fields, message
):
    client, _ = educator_client
    response = enrol(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert dbs.scalar(sa.select(sa.func.count(Patient.id))) == 0


def test_duplicate_mrn_is_refused_beside_the_mrn_field(educator_client, dbs):
    client, _ = educator_client
    enrol(client, mrn="MRN7")
    response = enrol(client, mrn="MRN7", display_name="Someone Else")
    assert response.status_code == 422
    assert "A patient with this MRN is already enrolled." in response.get_data(as_text=True)
    assert dbs.scalar(sa.select(sa.func.count(Patient.id))) == 1


def test_reissue_gives_a_new_code_and_the_old_one_stops(app, educator_client, dbs, enter_code):
    client, _ = educator_client
    old = CODE_RE.search(enrol(client).get_data(as_text=True)).group(1)
    patient = dbs.scalar(sa.select(Patient))
    reissued = post_form(
        client, f"/educator/patients/{patient.id}/code", {}, page=f"/educator/patients/{patient.id}"
    )
    new = CODE_RE.search(reissued.get_data(as_text=True)).group(1)
    assert new != old
    assert "This code no longer works" in enter_code(app.test_client(), old).get_data(as_text=True)
    assert enter_code(app.test_client(), new).status_code == 302


def test_revoke_stops_the_code_and_signs_the_patient_out(app, educator_client, dbs, enter_code):
    client, _ = educator_client
    code = CODE_RE.search(enrol(client).get_data(as_text=True)).group(1)
    patient = dbs.scalar(sa.select(Patient))
    patient_browser = app.test_client()
    enter_code(patient_browser, code)
    response = post_form(
        client,
        f"/educator/patients/{patient.id}/code/revoke",
        {},
        page=f"/educator/patients/{patient.id}",
        follow_redirects=True,
    )
    assert "The code no longer works." in response.get_data(as_text=True)
    assert patient_browser.get("/learn/").headers["Location"] == "/start"
    assert dbs.scalar(sa.select(AccessCode.revoked_at)) is not None


def test_assign_another_bank_from_the_patient_page(educator_client, dbs):
    client, _ = educator_client
    enrol(client, bank="")
    patient = dbs.scalar(sa.select(Patient))
    response = post_form(
        client,
        f"/educator/patients/{patient.id}/assign",
        {"bank": "salvage-prostate-cryoablation", "questions_per_topic": "1", "max_rounds": "2"},
        page=f"/educator/patients/{patient.id}",
        follow_redirects=True,
    )
    assert "Salvage prostate cryoablation is assigned" in response.get_data(as_text=True)
    assert dbs.scalar(sa.select(Assignment.max_rounds)) == 2
