"""Admin views of one question: write, edit, approve, retire, restore, preview and history."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from quizapp import db
from quizapp.admin import checks, history
from quizapp.admin.blueprint import bp
from quizapp.admin.forms import QuestionForm, question_data
from quizapp.admin.lookups import bank_or_404, question_or_404, version_or_404
from quizapp.domain.kinds import KINDS
from quizapp.models import Bank, Question, QuestionStatus, Response, Role, User
from quizapp.operations import banks as bank_ops
from quizapp.requests import audit
from quizapp.security.roles import role_required

DONE = {
    "approve": "Approved: patients can now get this question.",
    "retire": "Retired: patients will not get this question any more.",
    "restore": "Restored as a draft: approve it to put it back in the quiz.",
}


def _grade_text(value: float | None) -> str:
    return "too short to grade" if value is None else f"reading grade {value:.1f}"


def _saved_message(question: Question, was_approved: bool) -> str:
    version = question.current
    message = f"Saved as version {version.number} ({_grade_text(version.reading_grade)})."
    if was_approved:
        message += " It is a draft again: patients will not get it until you approve it."
    return message


def _after_save(question: Question) -> ResponseReturnValue:
    """Back to the drafts review queue when the edit started there, else to the question."""
    if request.args.get("back") == "drafts":
        return redirect(url_for("admin.drafts", slug=question.bank.slug))
    return redirect(url_for("admin.edit_question", question_id=question.id))


def _render_form(form: QuestionForm, bank: Bank, question: Question | None) -> ResponseReturnValue:
    failed = form.is_submitted()  # a valid submission has been saved and redirected by now
    return render_template(
        "admin/question_form.html",
        form=form,
        bank=bank,
        question=question,
        transitions=bank_ops.TRANSITIONS,
        failed=failed,
    ), (422 if failed else 200)


@bp.route("/banks/<slug>/questions/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_question(slug: str) -> ResponseReturnValue:
    """Write a new question; it starts as a draft with version 1."""
    bank = bank_or_404(slug)
    form = QuestionForm(topics=bank.topics)
    spec = checks.validate(form, bank) if form.is_submitted() else None
    if spec is not None:
        dbs = db.session()
        topic = next(t for t in bank.topics if t.key == spec.topic)
        question = bank_ops.create_question(dbs, bank, topic, spec, current_user.id)
        audit("bank.question.create", target=f"question:{question.id}")
        dbs.commit()
        flash(_saved_message(question, False) + " Approve it to put it in the quiz.", "success")
        return redirect(url_for("admin.edit_question", question_id=question.id))
    return _render_form(form, bank, None)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_question(question_id: int) -> ResponseReturnValue:
    """Edit a question: every save that changes it makes a new version."""
    question = question_or_404(question_id, lock=request.method == "POST")
    bank = question.bank
    data = None if request.method == "POST" else question_data(question.current, question.topic.key)
    form = QuestionForm(topics=bank.topics, data=data)
    spec = checks.validate(form, bank, question) if form.is_submitted() else None
    if spec is not None:
        dbs = db.session()
        was_approved = question.status == QuestionStatus.APPROVED
        topic = next(t for t in bank.topics if t.key == spec.topic)
        if not bank_ops.edit_question(dbs, question, topic, spec, current_user.id):
            flash("Nothing changed, so no new version was made.", "info")
            return _after_save(question)
        audit("bank.question.edit", target=f"question:{question.id}")
        dbs.commit()
        flash(_saved_message(question, was_approved), "success")
        return _after_save(question)
    return _render_form(form, bank, question)


@bp.post("/questions/<int:question_id>/<any(approve, retire, restore):action>")
@role_required(Role.ADMIN)
def change_status(question_id: int, action: str) -> ResponseReturnValue:
    """Approve, retire or restore a question (restore makes it a draft again)."""
    question = question_or_404(question_id, lock=True)
    back = redirect(url_for("admin.edit_question", question_id=question.id))
    problems = checks.current_problems(question) if action == "approve" else []
    if problems:
        flash("Not approved. Fix this first: " + " ".join(problems), "error")
        return back
    dbs = db.session()
    try:
        bank_ops.change_status(dbs, question, action)
    except bank_ops.StatusError as exc:
        flash(str(exc), "error")
        return back
    audit(f"bank.question.{action}", target=f"question:{question.id}")
    dbs.commit()
    flash(DONE[action], "success")
    return back


@bp.get("/questions/<int:question_id>/preview")
@role_required(Role.ADMIN)
def preview_question(question_id: int) -> ResponseReturnValue:
    """Show a version of a question exactly as a patient sees it; nothing can be answered."""
    question = question_or_404(question_id)
    version = version_or_404(question, request.args.get("version", type=int))
    return render_template(
        "admin/preview.html",
        question=question,
        version=version,
        choices=version.choices,
        kind=KINDS.get(version.kind),
        number=1,
        total=1,
        preview=True,
    )


@bp.get("/questions/<int:question_id>/history")
@role_required(Role.ADMIN)
def question_history(question_id: int) -> ResponseReturnValue:
    """Every version of a question, newest first, with what changed from the one before."""
    question = question_or_404(question_id)
    dbs = db.session()
    answered = dict(
        dbs.execute(
            sa.select(Response.question_version_id, sa.func.count(Response.id))
            .where(Response.question_version_id.in_([v.id for v in question.versions]))
            .group_by(Response.question_version_id)
        ).all()
    )
    author_ids = {v.created_by_id for v in question.versions} - {None}
    authors = dict(dbs.execute(sa.select(User.id, User.email).where(User.id.in_(author_ids))).all())
    return render_template(
        "admin/history.html",
        question=question,
        entries=history.entries(question.versions),
        answered=answered,
        authors=authors,
    )
