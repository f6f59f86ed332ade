"""The answer as the browser sends it (CSRF token, choice, the question's version): on PostgreSQL
one statement that checks the sign-in, finds the question and stores the answer; anything but a
new answer from a signed-in patient stores nothing and gets the usual page. The form works the
same on SQLite."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from quizapp import db
from quizapp.models import Assignment, AuditEvent, Patient, Response, ResponseChoice, Round
from quizapp.models.people import new_session_token
from quizapp.security.sessions import SEEN_AT, ClaimedPatient
from tests.helpers import csrf_from, recorded_autocommit, recorded_statements
from tests.patient.quizdriver import pick, post_button, question_form, resume

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _answers_audited(dbs) -> list[tuple]:
    events = sa.select(AuditEvent.actor_patient_id, AuditEvent.patient_id, AuditEvent.target)
    return dbs.execute(events.where(AuditEvent.action == "quiz.answer")).all()


def _stored(dbs) -> int:
    return dbs.scalar(sa.select(sa.func.count(Response.id)))


def _audited(dbs) -> int:
    return dbs.scalar(sa.select(sa.func.count(AuditEvent.id)))


def _sign_out_elsewhere(dbs, patient_id: int) -> None:
    """Sign-out in another browser: the token the cookie names is no longer current."""
    dbs.execute(
        sa.update(Patient).where(Patient.id == patient_id).values(session_token=new_session_token())
    )
    dbs.commit()


def test_the_form_names_the_questions_version_and_its_answer_is_stored(app, in_round, dbs):
    client, assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    form = question_form(page)
    chosen = pick(dbs, page, right=True)
    sent = client.post(url, data=form | {"choice": chosen})
    assert sent.status_code == 302 and sent.headers["Location"] == url + "/feedback"
    response = dbs.scalar(sa.select(Response))
    assert response.question_version_id == int(form["version"]) and response.is_correct
    assert sorted(dbs.scalars(sa.select(ResponseChoice.choice_id))) == sorted(map(int, chosen))
    last_activity = sa.select(Assignment.last_activity_at).where(Assignment.id == assignment.id)
    assert dbs.scalar(last_activity) == response.answered_at
    item_target = dbs.execute(sa.text("SELECT id FROM round_items WHERE position = 0")).scalar()
    assert _answers_audited(dbs) == [
        (assignment.patient_id, assignment.patient_id, f"round_item:{item_target}")
    ]
    assert "That is right." in client.get(sent.headers["Location"]).get_data(as_text=True)


@postgresql_only
def test_on_postgresql_a_new_answer_is_one_statement_in_autocommit(app, in_round, dbs):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    data = question_form(page) | {"choice": pick(dbs, page, right=False)}
    with recorded_autocommit(db.state(app).engine) as seen:
        assert client.post(url, data=data).status_code == 302
    # the sign-in check, the question and the answer's four writes: one round trip
    assert seen == [("WITH", True)], seen
    assert _stored(dbs) == 1


def test_a_signed_out_session_stores_nothing_and_is_sent_to_sign_in(app, in_round, dbs):
    client, assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    audited = _audited(dbs)
    _sign_out_elsewhere(dbs, assignment.patient_id)
    for choice in (pick(dbs, page, right=True), []):  # a valid answer, and an invalid one
        sent = client.post(url, data=question_form(page) | {"choice": choice})
        assert sent.status_code == 302 and sent.headers["Location"].startswith("/start")
    assert _stored(dbs) == 0 and _audited(dbs) == audited  # nothing at all was written


def test_a_signed_out_session_past_its_idle_time_is_told_so_and_stores_nothing(app, in_round, dbs):
    client, assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    _sign_out_elsewhere(dbs, assignment.patient_id)
    with client.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - app.config["QUIZAPP_IDLE_TIMEOUT"] - 60
    sent = client.post(url, data=question_form(page) | {"choice": pick(dbs, page, right=True)})
    # told the session ended (PostgreSQL, before its check) or sent to sign in: either way
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(("/signed-out", "/start"))
    assert _stored(dbs) == 0


def test_sent_again_it_stands_and_is_audited_once(app, in_round, dbs):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    first = pick(dbs, page, right=False)
    data = question_form(page) | {"choice": first}
    assert client.post(url, data=data).headers["Location"] == url + "/feedback"
    again = client.post(url, data=question_form(page) | {"choice": pick(dbs, page, right=True)})
    assert again.status_code == 302 and again.headers["Location"] == url + "/feedback"
    assert dbs.scalars(sa.select(ResponseChoice.choice_id)).all() == [int(c) for c in first]
    assert len(_answers_audited(dbs)) == 1


def test_a_form_naming_another_questions_version_stores_nothing(app, in_round, dbs):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    second_url = url.rsplit("/", 1)[0] + "/2"
    second = client.get(second_url).get_data(as_text=True)
    # the second question's version and one of its choices, sent to the first question
    data = question_form(page) | {"version": question_form(second)["version"]}
    sent = client.post(url, data=data | {"choice": pick(dbs, second, right=True)})
    assert sent.status_code == 422 and "Please choose an answer." in sent.get_data(as_text=True)
    assert _stored(dbs) == 0


@pytest.mark.parametrize("version", ["0", "99999999999", "x", "", "²", "1" * 5000])
def test_a_version_that_is_not_a_version_gets_the_usual_answer(app, in_round, dbs, version):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    data = question_form(page) | {"version": version, "choice": pick(dbs, page, right=True)}
    sent = client.post(url, data=data)
    assert sent.status_code == 302 and sent.headers["Location"] == url + "/feedback"
    assert _stored(dbs) == 1


def test_no_choice_gets_the_question_again_with_the_reason(app, in_round, dbs):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    sent = client.post(url, data=question_form(page))
    body = sent.get_data(as_text=True)
    assert sent.status_code == 422 and "Please choose an answer." in body
    assert 'name="version"' in body and _stored(dbs) == 0


def test_a_closed_round_says_so_and_stores_nothing(app, in_round, dbs):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    dbs.execute(sa.update(Round).values(finished_at=sa.func.now()))  # closed in another tab
    dbs.commit()
    sent = client.post(url, data=question_form(page) | {"choice": pick(dbs, page, right=True)})
    assert sent.status_code == 409
    assert "This round is over, so this answer was not saved" in sent.get_data(as_text=True)
    assert _stored(dbs) == 0 and _answers_audited(dbs) == []


def test_another_patients_question_is_not_found_and_stores_nothing(
    app, in_round, make_assignment, issue_code, enter_code, dbs
):
    client, _assignment, _url = in_round
    other = make_assignment()
    theirs = app.test_client()
    assert enter_code(theirs, issue_code(other.patient)).status_code == 302
    post_button(theirs, "/learn/", f"/learn/{other.id}/rounds")
    their_url = resume(theirs, other.id).headers["Location"]
    their_page = theirs.get(their_url).get_data(as_text=True)
    mine = client.get("/learn/").get_data(as_text=True)
    data = question_form(their_page) | {"csrf_token": csrf_from(mine)}
    sent = client.post(their_url, data=data | {"choice": pick(dbs, their_page, right=True)})
    assert sent.status_code == 404 and _stored(dbs) == 0


def test_a_bad_csrf_token_stores_nothing(app, in_round, dbs):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    data = question_form(page) | {"csrf_token": "forged", "choice": pick(dbs, page, right=True)}
    with recorded_statements(db.state(app).engine) as seen:
        assert client.post(url, data=data).status_code == 400
    assert _stored(dbs) == 0 and not [s for s in seen if s.startswith("WITH")]


@pytest.mark.parametrize("choice", ["²", "9" * 5000, "-1"])
def test_a_choice_that_is_not_an_id_is_no_choice(app, in_round, dbs, choice):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    sent = client.post(url, data=question_form(page) | {"choice": choice})
    assert sent.status_code == 422 and "Please choose an answer." in sent.get_data(as_text=True)
    assert _stored(dbs) == 0


def test_a_claimed_patient_cannot_be_audited(app):
    from quizapp.requests import audit_event
    from quizapp.security.sessions import set_principal

    with app.test_request_context("/"):
        set_principal(ClaimedPatient(1, "", "token"))
        with pytest.raises(RuntimeError, match="only claimed"):
            audit_event("quiz.answer", patient_id=1)


@postgresql_only
def test_two_copies_at_once_store_one_answer(app, in_round, dbs):
    """A copy sent while another request's answer to the same question is not yet committed:
    the statement waits for it, stores nothing, and the page sends the patient to that answer."""
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    form = question_form(page)
    engine = db.state(app).engine
    other = engine.connect()
    round_id = other.execute(sa.select(Round.id)).scalar()
    other.execute(
        sa.insert(Response).values(
            round_id=round_id, question_version_id=int(form["version"]), is_correct=False
        )
    )  # not committed yet: the copy's insert waits on the unique index
    sent: list = []
    copy = threading.Thread(
        target=lambda: sent.append(client.post(url, data=form | {"choice": pick(dbs, page, True)}))
    )
    copy.start()
    time.sleep(0.5)
    assert not sent  # still waiting for the first answer
    other.commit()
    other.close()
    copy.join(timeout=10)
    assert sent[0].status_code == 302 and sent[0].headers["Location"] == url + "/feedback"
    assert _stored(dbs) == 1 and _answers_audited(dbs) == []
