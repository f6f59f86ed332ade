"""Drafting a bank from an uploaded document, and the queue where an administrator reviews the
drafts: approve, edit then approve, reject with a reason, or move to another topic."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup, escape

from quizapp import db
from quizapp.admin import checks, uploads
from quizapp.admin.blueprint import bp
from quizapp.admin.forms import GenerateForm, RejectForm, TopicForm
from quizapp.admin.lookups import bank_or_404, question_or_404
from quizapp.domain import documents
from quizapp.domain.bankfile import BankSpec
from quizapp.domain.generation import MAX_BYTES, DocumentError, generate_bank_from_bytes
from quizapp.domain.lint import lint
from quizapp.models import Bank, Document, Question, QuestionStatus, QuestionVersion, Role
from quizapp.operations import banks as bank_ops
from quizapp.requests import audit
from quizapp.security.roles import role_required


@dataclass(frozen=True)
class QueueItem:
    """One draft as the queue shows it."""

    question: Question
    version: QuestionVersion
    #: The paragraph or list that holds the excerpt, with the excerpt marked; None if not found.
    passage: Markup | None
    section: str
    topic_form: TopicForm
    reject_form: RejectForm


def passage_html(document: documents.Document, excerpt: str) -> tuple[Markup | None, str]:
    """The block of the document that holds ``excerpt`` with the excerpt marked, and the heading
    of its section. A list's excerpt quotes its lead-in and items, so each quoted part is marked."""
    section = document.section_of(excerpt)
    if section is None:
        return None, ""
    block = documents.block_with(section, excerpt)
    if block is not None:
        return documents.block_html(block, excerpt), section.heading
    wanted = documents.collapse(excerpt)
    for block in section.blocks:
        if wanted in documents.collapse(block.plain):
            return _marked_list(block, wanted), section.heading
    return None, section.heading


def _marked_list(block: documents.Block, wanted: str) -> Markup:
    def part(text: str) -> Markup:
        text = documents.collapse(text)
        return Markup("<mark>%s</mark>") % text if text in wanted else escape(text)

    def lead_in(text: str) -> Markup:
        # The excerpt quotes the end of the paragraph before the list: mark the longest end.
        text = documents.collapse(text)
        starts = [0] + [n + 1 for n, ch in enumerate(text) if ch == " "]
        start = next((n for n in starts if wanted.startswith(text[n:])), len(text))
        return escape(text[:start]) + (
            Markup("<mark>%s</mark>") % text[start:] if text[start:] else ""
        )

    html = Markup("<p>%s</p>") % lead_in(block.text) if block.text else Markup("")
    items = Markup("").join(Markup("<li>%s</li>") % part(item) for item in block.items)
    return html + (Markup("<ul>%s</ul>") % items if block.items else Markup(""))


def _draft_spec(form: GenerateForm) -> tuple[BankSpec | None, str]:
    """The draft bank made from the upload, or None with a message beside the field to fix;
    and the slug of the bank already there when that is what stopped it."""
    upload = form.document.data
    name = uploads.label(upload.filename, "document")
    data = upload.stream.read(MAX_BYTES + 1)
    seed = form.seed.data or 0
    try:
        spec, _drafts = generate_bank_from_bytes(
            data, form.slug.data or None, form.title.data or None, random.Random(seed), name
        )
    except DocumentError as exc:
        form.document.errors.append(str(exc))
        return None, ""
    dbs = db.session()
    if dbs.scalar(sa.select(Bank.id).where(Bank.slug == spec.slug)):
        form.slug.errors.append(
            f"A bank with the slug {spec.slug} already exists, so nothing was stored. Review "
            f"its drafts, or type another slug (such as {spec.slug}-2) to make a second bank."
        )
        return None, spec.slug
    if dbs.scalar(sa.select(Document.id).where(Document.slug == spec.slug)):
        form.slug.errors.append(
            f"A document with the slug {spec.slug} already exists, so nothing was stored. "
            f"Type another slug, such as {spec.slug}-2."
        )
        return None, ""
    problems = [p for p in lint(spec, name) if p.severity == "error"]
    if problems:
        form.document.errors.append(
            "The drafts did not pass the bank checks, so nothing was stored: "
            + "; ".join(str(p) for p in problems)
        )
        return None, ""
    return spec, ""


@bp.route("/generate", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def generate() -> ResponseReturnValue:
    """Upload a document; its generated questions become a new bank of drafts to review."""
    form = GenerateForm()
    spec, existing = _draft_spec(form) if form.validate_on_submit() else (None, "")
    if spec is not None:
        dbs = db.session()
        bank = bank_ops.import_bank(dbs, spec, bank_ops.ImportReport(), current_user.id)
        audit("bank.generate", target=f"bank:{bank.id}")
        dbs.commit()
        flash(
            f"Drafted {len(spec.questions)} questions in {len(spec.topics)} topics. Patients get "
            "none of them until you approve them here.",
            "success",
        )
        return redirect(url_for("admin.drafts", slug=bank.slug))
    failed = form.is_submitted()  # a good upload has been stored and redirected by now
    return render_template("admin/generate.html", form=form, failed=failed, existing=existing), (
        422 if failed else 200
    )


def _item(
    bank: Bank, document: documents.Document, question: Question, reject: RejectForm | None
) -> QueueItem:
    topic_form = TopicForm(formdata=None, topics=bank.topics, data={"topic": question.topic.key})
    reject_form = reject or RejectForm(formdata=None)
    for field, name in ((topic_form.topic, "topic"), (reject_form.reason, "reason")):
        field.id = field.label.field_id = f"{name}-{question.id}"  # one page holds every draft
    passage, section = passage_html(document, question.current.source_excerpt)
    return QueueItem(question, question.current, passage, section, topic_form, reject_form)


def _render_queue(bank: Bank, failed: tuple[int, RejectForm] | None = None) -> ResponseReturnValue:
    """The queue page; ``failed`` is a rejection sent without a reason, shown beside its draft."""
    document = documents.parse(bank.document.body)
    drafts = sorted(
        (q for q in bank.questions if q.status == QuestionStatus.DRAFT), key=lambda q: q.id
    )
    failed_id, failed_form = failed or (None, None)
    items = [_item(bank, document, q, failed_form if q.id == failed_id else None) for q in drafts]
    counts = Counter(str(q.status) for q in bank.questions)
    return render_template(
        "admin/drafts.html", bank=bank, items=items, counts=counts, failed=failed_id
    ), (422 if failed else 200)


@bp.get("/banks/<slug>/drafts")
@role_required(Role.ADMIN)
def drafts(slug: str) -> ResponseReturnValue:
    """The bank's draft questions, in document order, each with its source passage."""
    return _render_queue(bank_or_404(slug))


def _queue(question: Question, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("admin.drafts", slug=question.bank.slug, _anchor=anchor))


def _draft_or_back(question_id: int) -> tuple[Question, ResponseReturnValue | None]:
    """The locked draft, or a redirect to the queue when it was reviewed meanwhile."""
    question = question_or_404(question_id, lock=True)
    if question.status != QuestionStatus.DRAFT:
        flash(f"{question.key} is {question.status} now, no longer a draft to review.", "info")
        return question, _queue(question)
    return question, None


@bp.post("/drafts/<int:question_id>/approve")
@role_required(Role.ADMIN)
def approve_draft(question_id: int) -> ResponseReturnValue:
    """Approve a draft, after the same checks as an import; it leaves the queue."""
    question, back = _draft_or_back(question_id)
    if back is not None:
        return back
    problems = checks.current_problems(question)
    if problems:
        flash(f"{question.key} was not approved. Fix this first: " + " ".join(problems), "error")
        return _queue(question, f"q-{question.id}")
    dbs = db.session()
    bank_ops.change_status(dbs, question, "approve")
    audit("bank.draft.approve", target=f"question:{question.id}")
    dbs.commit()
    flash(f"Approved {question.key}: patients can now get this question.", "success")
    return _queue(question)


@bp.post("/drafts/<int:question_id>/reject")
@role_required(Role.ADMIN)
def reject_draft(question_id: int) -> ResponseReturnValue:
    """Reject a draft with a reason: it is retired, and the reason shows in its history."""
    question, back = _draft_or_back(question_id)
    if back is not None:
        return back
    form = RejectForm()
    if not form.validate():
        return _render_queue(bank_or_404(question.bank.slug), (question.id, form))
    dbs = db.session()
    bank_ops.reject_question(dbs, question, form.reason.data or "")
    audit("bank.draft.reject", target=f"question:{question.id}")
    dbs.commit()
    flash(f"Rejected {question.key}: it is retired, with your reason in its history.", "success")
    return _queue(question)


@bp.post("/drafts/<int:question_id>/topic")
@role_required(Role.ADMIN)
def move_draft(question_id: int) -> ResponseReturnValue:
    """Move a draft to another topic of its bank (no new version: the wording is unchanged)."""
    question, back = _draft_or_back(question_id)
    if back is not None:
        return back
    form = TopicForm(topics=question.bank.topics)
    if not form.validate():
        flash("Choose one of this bank's topics.", "error")
        return _queue(question, f"q-{question.id}")
    topic = next(t for t in question.bank.topics if t.key == form.topic.data)
    dbs = db.session()
    if bank_ops.move_question(dbs, question, topic):
        audit("bank.draft.topic", target=f"question:{question.id}")
        dbs.commit()
        flash(f"Moved {question.key} to the topic “{topic.title}”.", "success")
    else:
        flash(f"{question.key} is already in the topic “{topic.title}”.", "info")
    return _queue(question, f"q-{question.id}")
