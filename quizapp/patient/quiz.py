"""The quiz: one question per screen, teaching after every answer, rounds until understood."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from quizapp import db
from quizapp.domain import documents, kinds, teach_to_goal
from quizapp.models import Assignment, Role, Round
from quizapp.operations import audit as audit_ops
from quizapp.operations import quiz as quiz_ops
from quizapp.patient.answer_in_one import answer_in_one
from quizapp.patient.blueprint import bp, own_assignment
from quizapp.patient.doctor_questions import questions_for_doctor
from quizapp.patient.locate import LocatedItem, locate_item, sign_in_and_locate
from quizapp.render_cache import page_url
from quizapp.requests import audit, audit_event, database_id
from quizapp.security.ratelimit import client_address
from quizapp.security.roles import role_required
from quizapp.security.sessions import (
    ClaimedPatient,
    PatientPrincipal,
    set_principal,
    sign_in_check_for,
)
from quizapp.version_cache import CachedChoice, CachedVersion, VersionCache


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token: answer, start and finish buttons."""


def _round(assignment: Assignment, number: int) -> Round:
    round_ = db.session().scalar(
        sa.select(Round).where(Round.assignment_id == assignment.id, Round.number == number)
    )
    if round_ is None:
        abort(404)
    return round_


def _ordered_choices(seed: int, version: CachedVersion) -> list[CachedChoice]:
    """The version's choices in the order this patient sees them."""
    order = teach_to_goal.choice_order(
        version.choice_ids, seed, version.id, keep_order=version.kind == "truefalse"
    )
    by_id = {c.id: c for c in version.choices}
    return [by_id[i] for i in order]


@bp.get("/learn/<int:assignment_id>/quiz")
@role_required(Role.PATIENT)
def resume(assignment_id: int) -> ResponseReturnValue:
    """Go to wherever the patient left off."""
    assignment = own_assignment(assignment_id)
    state = quiz_ops.progress(db.session(), assignment)
    if assignment.completed_at is not None:
        return redirect(url_for("patient.done", assignment_id=assignment.id))
    open_round = state.open_round
    if open_round is not None:
        item = state.next_item(open_round)
        if item is None:
            return render_template(
                "patient/round_end.html", assignment=assignment, round=open_round, form=ActionForm()
            )
        return redirect(
            url_for(
                "patient.question",
                assignment_id=assignment.id,
                number=open_round.number,
                position=item.position + 1,
            )
        )
    if state.last_round is not None:
        return redirect(
            url_for("patient.summary", assignment_id=assignment.id, number=state.last_round.number)
        )
    per_topic = assignment.questions_per_topic
    return render_template(
        "patient/quiz_start.html",
        assignment=assignment,
        state=state,
        per_topic=per_topic,
        form=ActionForm(),
    )


@bp.post("/learn/<int:assignment_id>/rounds")
@role_required(Role.PATIENT)
def start_round(assignment_id: int) -> ResponseReturnValue:
    """Start the next round (or carry on with the one already open)."""
    assignment = own_assignment(assignment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        round_, created = quiz_ops.start_round(db.session(), assignment)
    except quiz_ops.QuizError as exc:
        return render_template("patient/message.html", assignment=assignment, message=str(exc)), 409
    if created:  # decided under the row lock: ten tabs starting at once audit it once
        audit("quiz.round.start", patient_id=assignment.patient_id, target=f"round:{round_.id}")
    db.session().commit()
    return redirect(url_for("patient.resume", assignment_id=assignment.id))


def _form_choices() -> list[int]:
    """The choice ids an answer's form sends (anything not an id is ignored)."""
    return [i for i in map(database_id, request.form.getlist("choice")) if i is not None]


def _form_version_id() -> int | None:
    """The question version an answer's form names (its hidden ``version`` field), if any."""
    return database_id(request.form.get("version", ""))


@sign_in_check_for("patient.question", "patient.feedback")
def _sign_in_and_locate(patient_id: int, token: str) -> PatientPrincipal | None:
    """The sign-in check of the question and feedback pages, which also finds their question. An
    answer on PostgreSQL whose form names its version (and passed its CSRF check) is checked by
    its own statement instead (see _answer_in_one): until then the patient is taken on the
    cookie's word, and nothing but that statement reads or writes for them."""
    if (
        request.method == "POST"
        and request.endpoint == "patient.question"
        and g.get("csrf_valid")
        and db.state().engine.dialect.name == "postgresql"
        and _form_version_id() is not None
    ):
        g.answer_claim = (patient_id, token)
        return ClaimedPatient(patient_id, "", token)
    args = request.view_args or {}
    return _check_and_locate(
        patient_id, token, args["assignment_id"], args["number"], args["position"]
    )


def _check_and_locate(
    patient_id: int, token: str, assignment_id: int, number: int, position: int
) -> PatientPrincipal | None:
    """The sign-in check, in the query that finds the question (kept for the view)."""
    principal, g.located_item = sign_in_and_locate(
        db.connection(), patient_id, token, assignment_id, number, position
    )
    return principal


def _answer_in_one(assignment_id: int, number: int, position: int) -> ResponseReturnValue | None:
    """PostgreSQL: a new answer, its sign-in check included, in one statement. Returns the
    response, or None for the usual path (signed in by then): an answer the statement did not
    store (given already, a closed round, another version), or one it cannot take (not a valid
    answer, a version not known)."""
    patient_id, token = g.pop("answer_claim")
    conn = db.connection()
    version_id = _form_version_id()
    # only a version in memory: nothing is read for a patient not yet checked
    version = None if version_id is None else _versions().cached(version_id)
    chosen: list[int] = []
    valid = False
    if version is not None:
        chosen, valid = quiz_ops.graded(version, _form_choices())
    if version is None or not valid:
        principal = _check_and_locate(patient_id, token, assignment_id, number, position)
        set_principal(principal)
        return None if principal is not None else redirect(url_for("patient.start"))
    # written only if the statement finds the patient signed in (audit_event refuses a claim)
    event = audit_ops.event(
        "quiz.answer", actor_patient_id=patient_id, patient_id=patient_id, ip=client_address()
    )
    db.start_writing(one_statement=True)
    done = answer_in_one(
        conn, patient_id, token, (assignment_id, number, position), version, chosen, event
    )
    set_principal(done.principal)
    if done.principal is None:  # the token is not current: signed out, nothing written
        return redirect(url_for("patient.start"))
    if done.item is None or done.response_id is None:
        if done.item is not None:
            g.located_item = done.item
        return None
    db.commit()
    audit_ops.log_written(event | {"target": f"round_item:{done.item.item_id}"})
    return redirect(_item_url(done.item, position, "patient.feedback"))


def _located(assignment_id: int, number: int, position: int) -> LocatedItem:
    if "located_item" in g:  # found by the sign-in check
        item = g.located_item
    else:
        item = locate_item(db.connection(), current_user.id, assignment_id, number, position)
    if item is None:
        abort(404)
    return item


def _versions() -> VersionCache:
    return current_app.extensions["quizapp.versions"]


def _version(version_id: int) -> CachedVersion:
    version = _versions().get(db.connection(), version_id)
    if version is None:  # a round item's version is a foreign key: it is there
        abort(404)
    return version


def _item_url(item: LocatedItem, position: int, endpoint: str = "patient.question") -> str:
    return page_url(
        endpoint, assignment_id=item.assignment_id, number=item.round_number, position=position
    )


@bp.route("/learn/<int:assignment_id>/round/<int:number>/q/<int:position>", methods=["GET", "POST"])
@db.reads_first
@role_required(Role.PATIENT)
def question(assignment_id: int, number: int, position: int) -> ResponseReturnValue:
    """One question; its answer is stored the moment it is sent. The busiest page: one query finds
    the question, its version comes from memory (see quizapp.version_cache). On PostgreSQL a new
    answer is one statement, its sign-in check included (see quizapp.patient.answer_in_one)."""
    if "answer_claim" in g:
        answered = _answer_in_one(assignment_id, number, position)
        if answered is not None:
            return answered
    item = _located(assignment_id, number, position)
    error = None
    if request.method == "POST":  # its CSRF token was checked before the view (CSRFProtect)
        if item.response_id is not None:  # sent again (double click, back button): it stands
            return redirect(_item_url(item, position, "patient.feedback"))
        chosen = _form_choices()
        conn = db.connection()  # Core statements only: no ORM session on the busiest write
        version = _version(item.version_id)
        event = audit_event(
            "quiz.answer", patient_id=item.patient_id, target=f"round_item:{item.item_id}"
        )
        # The write lock from here to the commit on SQLite (four statements); on PostgreSQL
        # the answer is one statement, outside a transaction (see quiz_ops.record_answer).
        db.start_writing(one_statement=True)
        session = (current_user.id, current_user.session_token)
        try:
            quiz_ops.record_answer(
                conn, item.round_id, item.assignment_id, version, chosen, event, session
            )
        except quiz_ops.SignedOut:  # since the sign-in check: nothing was written
            db.rollback()
            set_principal(None)
            return redirect(url_for("patient.start"))
        except quiz_ops.RoundClosed as exc:
            db.rollback()  # nothing was written: let the lock go before rendering
            return render_template(
                "patient/message.html", assignment_id=item.assignment_id, message=str(exc)
            ), 409
        except quiz_ops.QuizError as exc:
            db.rollback()
            error = str(exc)
        else:
            db.commit()
            return redirect(_item_url(item, position, "patient.feedback"))
    elif item.response_id is not None:
        return redirect(_item_url(item, position, "patient.feedback"))
    version = _version(item.version_id)
    return render_template(
        "patient/question.html",
        assignment_id=item.assignment_id,
        version=version,
        kind=kinds.KINDS[version.kind],
        choices=_ordered_choices(item.seed, version),
        number=position,
        total=item.total,
        error=error,
        preview=False,
    ), 422 if error else 200


@bp.get("/learn/<int:assignment_id>/round/<int:number>/q/<int:position>/feedback")
@role_required(Role.PATIENT)
def feedback(assignment_id: int, number: int, position: int) -> ResponseReturnValue:
    """Right or not, why, and the words of the document that say so."""
    item = _located(assignment_id, number, position)
    if item.response_id is None:
        return redirect(_item_url(item, position))
    conn = db.connection()
    version = _version(item.version_id)
    is_correct, chosen_ids = quiz_ops.response_outcome(conn, item.response_id)
    document = documents.parse(quiz_ops.document_body(conn, item.assignment_id))
    found = documents.passage(document, version.source_excerpt)
    return render_template(
        "patient/feedback.html",
        assignment_id=item.assignment_id,
        round_number=item.round_number,
        is_correct=is_correct,
        version=version,
        chosen=[c for c in version.choices if c.id in chosen_ids],
        correct=[c for c in version.choices if c.is_correct],
        passage=found.html,
        section=found.section,
        number=position,
        total=item.total,
        next_url=None if position == item.total else _item_url(item, position + 1),
        form=ActionForm(),
    )


@bp.post("/learn/<int:assignment_id>/round/<int:number>/finish")
@role_required(Role.PATIENT)
def finish(assignment_id: int, number: int) -> ResponseReturnValue:
    """Close the round and show how it went."""
    assignment = own_assignment(assignment_id)
    round_ = _round(assignment, number)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        closed = quiz_ops.finish_round(db.session(), round_)
    except quiz_ops.QuizError:
        return redirect(url_for("patient.resume", assignment_id=assignment.id))
    if closed:  # decided under the row lock: ten tabs finishing at once audit it once
        audit("quiz.round.finish", patient_id=assignment.patient_id, target=f"round:{round_.id}")
    db.session().commit()
    return redirect(url_for("patient.summary", assignment_id=assignment.id, number=number))


@bp.get("/learn/<int:assignment_id>/round/<int:number>/summary")
@role_required(Role.PATIENT)
def summary(assignment_id: int, number: int) -> ResponseReturnValue:
    """After a round: what was understood, and what to read again."""
    assignment = own_assignment(assignment_id)
    round_ = _round(assignment, number)
    if round_.finished_at is None:
        return redirect(url_for("patient.resume", assignment_id=assignment.id))
    state = quiz_ops.progress(db.session(), assignment, with_items=False)
    asked = state.askable
    return render_template(
        "patient/summary.html",
        assignment=assignment,
        round=round_,
        understood=[state.topic(r.topic) for r in state.results if r.mastered],
        review=[state.topic(r.topic) for r in state.results if not r.mastered and r.topic in asked],
        is_latest=state.last_round is not None and state.last_round.id == round_.id,
        rounds_left=assignment.max_rounds - len(state.rounds),
        form=ActionForm(),
    )


@bp.get("/learn/<int:assignment_id>/done")
@role_required(Role.PATIENT)
def done(assignment_id: int) -> ResponseReturnValue:
    """The final result, what the educator will go over, and questions to ask the doctor."""
    assignment = own_assignment(assignment_id)
    if assignment.completed_at is None:
        return redirect(url_for("patient.resume", assignment_id=assignment.id))
    state = quiz_ops.progress(db.session(), assignment, with_items=False)
    to_discuss = [state.topic(r.topic) for r in state.results if not r.mastered]
    return render_template(
        "patient/done.html",
        assignment=assignment,
        ready=state.ready,
        to_discuss=to_discuss,
        doctor_questions=questions_for_doctor(state.topics, {t.key for t in to_discuss}),
    )
