"""The busiest path, kept lean: one query checks the sign-in and finds a question, versions come
from memory, and an answer is stored once however often it is sent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp import db
from quizapp.models import (
    Assignment,
    AuditEvent,
    Patient,
    Response,
    ResponseChoice,
    Round,
    RoundItem,
)
from quizapp.models.people import new_session_token
from quizapp.operations import audit as audit_ops
from quizapp.operations import quiz as quiz_ops
from quizapp.patient.locate import locate_item, sign_in_and_locate
from tests.helpers import csrf_from, recorded_autocommit, recorded_statements
from tests.patient.quizdriver import pick


def selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.upper().startswith("SELECT")]


def writes(statements: list[str]) -> list[str]:
    """The statements that write (PostgreSQL's answer is a WITH of four writes)."""
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [
        s
        for s in statements
        if s.upper().startswith(verbs) or (s.upper().startswith("WITH") and "INSERT INTO" in s)
    ]


def test_a_question_page_is_one_query_once_its_question_is_in_memory(app, in_round):
    client, _assignment, url = in_round
    assert client.get(url).status_code == 200  # the first view reads the version once
    with recorded_statements(db.state(app).engine) as seen:
        page = client.get(url)
    assert page.status_code == 200 and "Check my answer" in page.get_data(as_text=True)
    # who is signed in and where this question is (round, position, answered or not): one query
    assert len(selects(seen)) == 1, seen
    assert writes(seen) == []


def test_an_answer_is_stored_whole_and_sending_it_again_writes_nothing(app, in_round, dbs):
    client, assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    chosen = pick(dbs, page, right=True)
    data = {"csrf_token": csrf_from(page), "choice": chosen}
    with recorded_statements(db.state(app).engine) as seen:
        first = client.post(url, data=data)
    assert first.status_code == 302 and first.headers["Location"].endswith("/feedback")
    # the answer, its choices, the assignment's last activity and the audit event: four writes
    # in one transaction on SQLite, one statement on PostgreSQL
    one_statement = db.state(app).engine.dialect.name == "postgresql"
    assert len(writes(seen)) == (1 if one_statement else 4), writes(seen)
    response = dbs.scalar(sa.select(Response))
    assert response is not None and response.is_correct
    assert sorted(dbs.scalars(sa.select(ResponseChoice.choice_id))) == sorted(map(int, chosen))
    last_activity = sa.select(Assignment.last_activity_at).where(Assignment.id == assignment.id)
    assert dbs.scalar(last_activity) == response.answered_at
    audited = dbs.scalars(sa.select(AuditEvent).where(AuditEvent.action == "quiz.answer")).all()
    assert [(e.actor_patient_id, e.patient_id) for e in audited] == [
        (assignment.patient_id, assignment.patient_id)
    ]
    with recorded_statements(db.state(app).engine) as again:
        second = client.post(url, data=data)
    assert second.headers["Location"] == first.headers["Location"]
    assert writes(again) == []
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 1
    assert "That is right." in client.get(first.headers["Location"]).get_data(as_text=True)


def test_an_answer_stored_by_another_request_meanwhile_is_kept(app, in_round, dbs):
    """The ON CONFLICT path: the row appears between the page and the insert (a second worker)."""
    _client, assignment, _url = in_round
    round_ = dbs.scalar(sa.select(Round).where(Round.assignment_id == assignment.id))
    item = dbs.scalar(sa.select(RoundItem).where(RoundItem.round_id == round_.id))
    with app.app_context():
        version = app.extensions["quizapp.versions"].get(db.session(), item.question_version_id)
    wrong = next(c.id for c in version.choices if not c.is_correct)
    right = sorted(version.correct_ids)
    earlier = Response(round_id=round_.id, question_version_id=version.id, is_correct=False)
    earlier.chosen = [ResponseChoice(choice_id=wrong)]
    dbs.add(earlier)
    dbs.commit()
    with app.app_context():
        session = db.session()
        event = audit_ops.event("quiz.answer", patient_id=assignment.patient_id)
        signed_in = (assignment.patient_id, assignment.patient.session_token)
        response_id, created = quiz_ops.record_answer(
            session, round_.id, assignment.id, version, right, event, signed_in
        )
        session.commit()
    assert (response_id, created) == (earlier.id, False)
    assert dbs.scalars(sa.select(ResponseChoice.choice_id)).all() == [wrong]
    answers_audited = sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "quiz.answer"
    )
    assert dbs.scalar(answers_audited) == 0  # nothing was stored, so nothing is audited


def test_an_answer_after_a_sign_out_that_came_after_the_check_is_not_stored(app, in_round, dbs):
    """The page checked the sign-in, then the patient signed out in another browser before the
    answer was written: the write itself checks the session, and stores nothing."""
    _client, assignment, _url = in_round
    round_ = dbs.scalar(sa.select(Round).where(Round.assignment_id == assignment.id))
    item = dbs.scalar(sa.select(RoundItem).where(RoundItem.round_id == round_.id))
    token = assignment.patient.session_token
    dbs.execute(
        sa.update(Patient)
        .where(Patient.id == assignment.patient_id)
        .values(session_token=new_session_token())
    )
    dbs.commit()
    with app.app_context():
        session = db.session()
        version = app.extensions["quizapp.versions"].get(session, item.question_version_id)
        event = audit_ops.event("quiz.answer", patient_id=assignment.patient_id)
        with pytest.raises(quiz_ops.SignedOut):
            quiz_ops.record_answer(
                session,
                round_.id,
                assignment.id,
                version,
                sorted(version.correct_ids),
                event,
                (assignment.patient_id, token),
            )
        session.rollback()
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 0
    assert (
        dbs.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "quiz.answer")
        )
        == 0
    )


def test_choices_from_another_question_are_ignored(app, in_round, dbs):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    sent = client.post(url, data={"csrf_token": csrf_from(page), "choice": ["999999", "abc"]})
    assert sent.status_code == 422 and "Please choose an answer." in sent.get_data(as_text=True)
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_locate_finds_only_the_patients_own_question(app, in_round, make_assignment, dbs):
    _client, assignment, url = in_round
    number, position = int(url.split("/round/")[1].split("/")[0]), int(url.rsplit("/", 1)[1])
    other = make_assignment()
    total = dbs.scalar(sa.select(sa.func.count(RoundItem.id)))
    with app.app_context():
        session = db.session()
        found = locate_item(session, assignment.patient_id, assignment.id, number, position)
        assert found is not None
        assert (found.assignment_id, found.round_number, found.position) == (
            assignment.id,
            number,
            position,
        )
        assert found.total == total and found.response_id is None
        assert locate_item(session, other.patient_id, assignment.id, number, position) is None
        assert locate_item(session, assignment.patient_id, assignment.id, number, 0) is None
        assert locate_item(session, assignment.patient_id, assignment.id, number, total + 1) is None
        assert locate_item(session, assignment.patient_id, assignment.id, number + 1, 1) is None


def test_the_sign_in_check_and_the_question_are_one_query_that_checks_both(
    app, in_round, make_assignment, dbs
):
    _client, assignment, url = in_round
    number, position = int(url.split("/round/")[1].split("/")[0]), int(url.rsplit("/", 1)[1])
    patient = assignment.patient
    other = make_assignment()
    with app.app_context():
        session = db.session()
        principal, item = sign_in_and_locate(
            session, patient.id, patient.session_token, assignment.id, number, position
        )
        assert principal is not None and principal.id == patient.id
        assert item == locate_item(session, patient.id, assignment.id, number, position)
        # a stale token: nobody is signed in, and nothing is found
        stale = sign_in_and_locate(session, patient.id, "stale", assignment.id, number, position)
        assert stale == (None, None)
        # signed in, but the question is someone else's, or not there
        for where in ((other.id, number, position), (assignment.id, number, 0)):
            principal, item = sign_in_and_locate(session, patient.id, patient.session_token, *where)
            assert principal is not None and item is None


def test_a_copied_cookie_stops_opening_questions_once_the_patient_signs_out(app, in_round):
    client, _assignment, url = in_round
    copy = app.test_client()
    copy.set_cookie("quizapp_session", client.get_cookie("quizapp_session").value)
    assert copy.get(url).status_code == 200
    page = client.get(url).get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_from(page)}).status_code == 302
    refused = copy.get(url)
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/start")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_an_answer_holds_the_write_lock_only_to_store_it(app, in_round, dbs):
    client, _assignment, url = in_round
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "choice": pick(dbs, page, right=False)}
    with recorded_statements(db.state(app).engine) as seen:
        assert client.post(url, data=data).status_code == 302
    lock = seen.index("BEGIN IMMEDIATE")
    # the sign-in check and finding the question only read, in autocommit: no BEGIN
    assert lock > 0 and all(s.startswith("SELECT") for s in seen[:lock]), seen[:lock]
    locked = seen[lock + 1 :]
    # the answer (from the round, if still open), its choices, the last activity, the audit row
    assert locked[0].startswith("INSERT INTO responses") and "finished_at IS NULL" in locked[0]
    assert len(writes(locked)) == len(locked) == 4, locked


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_an_answer_is_one_statement_and_every_query_runs_in_autocommit(
    app, in_round, dbs
):
    client, _assignment, url = in_round
    with recorded_autocommit(db.state(app).engine) as seen:
        page = client.get(url).get_data(as_text=True)
        reads = list(seen)
        data = {"csrf_token": csrf_from(page), "choice": pick(dbs, page, right=True)}
        seen.clear()
        assert client.post(url, data=data).status_code == 302
    assert reads and all(autocommit for _verb, autocommit in reads)
    # the sign-in check, then the answer with its choices, last activity and audit event: one
    # statement, atomic on its own, with no BEGIN and COMMIT around it
    assert seen == [("SELECT", True), ("WITH", True)], seen


def test_progress_counts_an_answer_the_session_has_not_yet_written(in_round, dbs):
    """progress() reads the answers on the driver, which does not autoflush: an answer added in
    the same transaction counts, as it did through the ORM."""
    _client, assignment, _url = in_round
    round_ = dbs.scalar(sa.select(Round).where(Round.assignment_id == assignment.id))
    item = dbs.scalar(sa.select(RoundItem).where(RoundItem.round_id == round_.id))
    before = quiz_ops.progress(dbs, assignment, with_items=False)
    assert before.answered_version_ids_by_round == {}
    dbs.add(
        Response(round_id=round_.id, question_version_id=item.question_version_id, is_correct=True)
    )
    after = quiz_ops.progress(dbs, assignment, with_items=False)
    assert after.answered_version_ids_by_round == {round_.id: {item.question_version_id}}
    assert sum(r.first_try_total for r in after.results) == 1
