"""Admin views of whole banks: the list, importing a bank file, and a bank's questions."""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from quizapp import db
from quizapp.admin import uploads
from quizapp.admin.blueprint import bp
from quizapp.admin.forms import ImportForm, SearchForm
from quizapp.admin.lookups import bank_or_404
from quizapp.models import Bank, Question, QuestionStatus, Role
from quizapp.operations import banks as bank_ops
from quizapp.requests import audit
from quizapp.security.roles import role_required

STATUSES = [s.value for s in QuestionStatus]


@bp.get("/banks")
@role_required(Role.ADMIN)
def banks() -> ResponseReturnValue:
    """Every bank, with its questions counted by status."""
    dbs = db.session()
    all_banks = dbs.scalars(sa.select(Bank).order_by(Bank.title)).all()
    counts: dict[int, Counter] = defaultdict(Counter)
    rows = dbs.execute(
        sa.select(Question.bank_id, Question.status, sa.func.count(Question.id)).group_by(
            Question.bank_id, Question.status
        )
    )
    for bank_id, status, count in rows:
        counts[bank_id][status] = count
    return render_template("admin/banks.html", banks=all_banks, counts=counts, statuses=STATUSES)


def _read_uploads(form: ImportForm) -> tuple[str, str] | None:
    """Both uploaded files as text; None with a message beside each unusable file."""
    texts = []
    for field in (form.bank, form.document):
        try:
            texts.append(uploads.read_text(field.data.stream))
        except uploads.UploadError as exc:
            field.errors.append(str(exc))
    return (texts[0], texts[1]) if len(texts) == 2 else None


@bp.route("/banks/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_bank() -> ResponseReturnValue:
    """Upload a bank file and its document; import all of it, or nothing if anything is wrong."""
    form = ImportForm()
    problems: list = []
    texts = _read_uploads(form) if form.validate_on_submit() else None
    if texts is not None:
        bank_label = uploads.label(form.bank.data.filename, "bank.yaml")
        spec, problems = uploads.check(texts[0], bank_label, texts[1])
        if spec is not None and not uploads.errors(problems):
            dbs = db.session()
            report = bank_ops.ImportReport()
            bank = bank_ops.import_bank(dbs, spec, report, current_user.id)
            audit("bank.import", target=f"bank:{bank.id}")
            dbs.commit()
            flash(f"Imported {report.summary()}.", "success")
            if problems:
                hard = (
                    "1 question reads" if len(problems) == 1 else f"{len(problems)} questions read"
                )
                flash(f"{hard} above grade 8: see the flags.", "info")
            return redirect(url_for("admin.bank", slug=bank.slug))
    failed = bool(form.errors or uploads.errors(problems))
    return render_template(
        "admin/import.html", form=form, problems=problems, errors=uploads.errors(problems)
    ), (422 if failed else 200)


def _matches(question: Question, words: str, status: str) -> bool:
    if status and question.status != status:
        return False
    return not words or words in question.key.lower() or words in question.current.stem.lower()


@bp.get("/banks/<slug>")
@role_required(Role.ADMIN)
def bank(slug: str) -> ResponseReturnValue:
    """A bank's questions by topic and status, with a search box and a status filter."""
    bank = bank_or_404(slug)
    search = SearchForm(formdata=request.args)
    valid = search.validate()
    words = (search.q.data or "").lower() if valid else ""
    status = (search.status.data or "") if valid else ""
    questions = sorted(bank.questions, key=lambda q: q.id)
    by_topic = [
        (topic, [q for q in questions if q.topic_id == topic.id and _matches(q, words, status)])
        for topic in bank.topics
    ]
    shown = sum(len(found) for _topic, found in by_topic)
    counts = Counter(q.status for q in questions)
    return render_template(
        "admin/bank.html",
        bank=bank,
        search=search,
        by_topic=by_topic,
        filtered=bool(words or status),
        shown=shown,
        counts=counts,
        statuses=STATUSES,
    )
