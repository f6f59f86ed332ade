"""Patients sign in with the code on their slip: forgiving to type, strict to guess."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from quizapp.models import AccessCode, AuditEvent, utcnow
from quizapp.operations import patients as patient_ops
from quizapp.security import access_codes


@pytest.mark.parametrize(
    "typed",
    ["{c}", "{lower}", "{bare}", "  {spaced}  ", "{bare_lower}"],
)
def test_code_is_accepted_however_it_is_typed(client, make_patient, issue_code, enter_code, typed):
    code = issue_code(make_patient(name="Walter"))
    bare = code.replace("-", "")
    variant = typed.format(
        c=code, lower=code.lower(), bare=bare, spaced=" ".join(bare), bare_lower=bare.lower()
    )
    response = enter_code(client, variant)
    assert response.status_code == 302 and response.headers["Location"] == "/learn/"
    assert "Hello, Walter" in client.get("/learn/").get_data(as_text=True)


def test_confusable_letters_are_read_as_digits():
    assert access_codes.normalize("O1IL-0000-0000") == "011100000000"
    assert access_codes.normalize("short") is None
    assert access_codes.normalize("UUUU-UUUU-UUUU") is None  # U is not in the alphabet


def test_generated_codes_are_high_entropy_and_grouped():
    codes = {access_codes.generate_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:50]:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert access_codes.normalize(code) == code.replace("-", "")


def test_only_a_keyed_hash_of_the_code_is_stored(dbs, make_patient, issue_code):
    code = issue_code(make_patient())
    stored = dbs.scalars(sa.select(AccessCode.code_hash)).all()
    assert len(stored) == 1 and code.replace("-", "") not in stored[0] and len(stored[0]) == 64


def test_wrong_code_gets_a_plain_message_and_is_audited(client, dbs, enter_code):
    response = enter_code(client, "AAAA-BBBB-CCCC")
    assert response.status_code == 422
    assert "We could not find that code" in response.get_data(as_text=True)
    assert (
        dbs.scalar(sa.select(AuditEvent.outcome).where(AuditEvent.action == "patient.code"))
        == "failed"
    )


def test_expired_code_tells_the_patient_to_contact_their_educator(
    client, dbs, make_patient, issue_code, enter_code
):
    patient = make_patient()
    code = issue_code(patient)
    stored = dbs.scalar(sa.select(AccessCode).where(AccessCode.patient_id == patient.id))
    dbs.execute(
        sa.update(AccessCode)
        .where(AccessCode.id == stored.id)
        .values(expires_at=utcnow() - dt.timedelta(minutes=1))
    )
    dbs.commit()
    response = enter_code(client, code)
    assert response.status_code == 422
    assert "This code has expired. Please ask your educator for a new one." in response.get_data(
        as_text=True
    )


def test_revoked_code_says_so_and_a_reissued_one_works(
    app, client, dbs, make_patient, issue_code, enter_code
):
    patient = make_patient()
    old = issue_code(patient)
    new = issue_code(patient)  # issuing a new code revokes the old one
    assert "This code no longer works" in enter_code(client, old).get_data(as_text=True)
    assert enter_code(app.test_client(), new).status_code == 302


def test_revoking_a_code_signs_the_patient_out(
    app, client, dbs, make_patient, issue_code, enter_code
):
    patient = make_patient()
    enter_code(client, issue_code(patient))
    assert client.get("/learn/").status_code == 200
    patient_ops.revoke_codes(dbs, patient)
    dbs.commit()
    assert client.get("/learn/").headers["Location"] == "/start"


@pytest.mark.parametrize("app_config", [{"QUIZAPP_CODE_LIMIT": "3 per minute"}])
def test_code_entry_is_rate_limited(client, make_patient, issue_code, enter_code):
    code = issue_code(make_patient())
    statuses = [enter_code(client, "AAAA-BBBB-CCCC").status_code for _ in range(3)]
    assert statuses == [422, 422, 422]
    blocked = enter_code(client, code)
    assert blocked.status_code == 429
    assert "Please wait a minute" in blocked.get_data(as_text=True)


def test_patient_idle_timeout_says_answers_are_saved(
    client, make_patient, issue_code, enter_code, monkeypatch
):
    from quizapp.security import sessions

    enter_code(client, issue_code(make_patient()))
    now = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now + 31 * 60)
    response = client.get("/learn/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You were signed out" in page and "Your answers are saved" in page


def test_patient_sign_out_returns_to_the_code_page(client, make_patient, issue_code, enter_code):
    from tests.helpers import post_form

    enter_code(client, issue_code(make_patient()))
    response = post_form(client, "/logout", {}, page="/learn/", follow_redirects=True)
    assert "You are signed out. Your answers are saved." in response.get_data(as_text=True)
    assert client.get("/learn/").headers["Location"] == "/start"
