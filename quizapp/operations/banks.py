"""Importing banks (all or nothing, versioned) and changing questions."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from quizapp.domain import documents as docs
from quizapp.domain.bankfile import BankSpec, ChoiceSpec, QuestionSpec, TopicSpec
from quizapp.domain.lint import patient_text
from quizapp.domain.readability import grade
from quizapp.models import Bank, Choice, Document, Question, QuestionStatus, QuestionVersion, Topic


@dataclass
class ImportReport:
    banks: list[str] = field(default_factory=list)
    created: int = 0
    new_versions: int = 0
    status_changes: int = 0
    retired: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{', '.join(self.banks) or 'no banks'}: {self.created} new questions, "
            f"{self.new_versions} new versions, {self.status_changes} status changes, "
            f"{self.retired} retired, {self.unchanged} unchanged"
        )


def version_content(version: QuestionVersion) -> tuple:
    """The same shape as QuestionSpec.content(), read from a stored version."""
    return (
        version.kind,
        version.stem,
        version.explanation,
        version.source_excerpt,
        tuple((c.text, c.is_correct, c.feedback) for c in version.choices),
    )


def add_version(
    db: Session, question: Question, spec: QuestionSpec, author_id: int | None = None
) -> QuestionVersion:
    """Stage a new version of ``question`` with the content of ``spec``."""
    number = (question.versions[-1].number + 1) if question.versions else 1
    version = QuestionVersion(
        question=question,
        number=number,
        **_version_values(spec, author_id),
        choices=[Choice(**values) for values in _choice_values(spec)],
    )
    db.add(version)
    return version


def _version_values(spec: QuestionSpec, author_id: int | None) -> dict:
    """A new version's columns from ``spec`` (all but its question and number)."""
    return {
        "kind": spec.kind,
        "stem": spec.stem,
        "explanation": spec.explanation,
        "source_excerpt": spec.source_excerpt,
        "reading_grade": grade(
            patient_text(spec.stem, spec.explanation, [(c.text, c.feedback) for c in spec.choices])
        ),
        "created_by_id": author_id,
    }


def _choice_values(spec: QuestionSpec) -> list[dict]:
    """A new version's choices' columns from ``spec``, in order (all but their version)."""
    return [
        {"position": n, "text": c.text, "is_correct": c.correct, "feedback": c.feedback}
        for n, c in enumerate(spec.choices)
    ]


def load_bank(db: Session, slug: str) -> Bank | None:
    """A bank with its topics, questions, versions and choices loaded in a few queries."""
    return db.scalar(
        sa.select(Bank)
        .where(Bank.slug == slug)
        .options(
            selectinload(Bank.topics),
            selectinload(Bank.document),
            selectinload(Bank.questions)
            .selectinload(Question.versions)
            .selectinload(QuestionVersion.choices),
        )
    )


def import_bank(
    db: Session, spec: BankSpec, report: ImportReport, author_id: int | None = None
) -> Bank:
    """Stage one bank: create or update it; a changed question gets a new version; a question gone
    from the file is retired (never deleted). The caller commits, or rolls back on any error."""
    bank = load_bank(db, spec.slug)
    title = docs.parse(spec.document_text).title or spec.title
    if bank is None:
        document = db.scalar(sa.select(Document).where(Document.slug == spec.slug))
        if document is None:
            document = Document(slug=spec.slug, title=title, body=spec.document_text)
            db.add(document)
        bank = Bank(slug=spec.slug, title=spec.title, document=document)
        db.add(bank)
        db.flush()
    else:
        bank.title = spec.title
    if bank.document.body != spec.document_text:
        bank.document.body = spec.document_text
        bank.document.title = title
    topics = _sync_topics(db, bank, spec.topics)
    by_key = {q.key: q for q in bank.questions}
    new: list[QuestionSpec] = []
    for question_spec in spec.questions:
        question = by_key.pop(question_spec.key, None)
        if question is None:
            new.append(question_spec)
            report.created += 1
            continue
        changed = False
        if version_content(question.current) != question_spec.content():
            add_version(db, question, question_spec, author_id)
            report.new_versions += 1
            changed = True
        if question.status != question_spec.status:
            question.status = question_spec.status
            report.status_changes += 1
            changed = True
        if question.topic_id != topics[question_spec.topic].id:
            question.topic = topics[question_spec.topic]
            changed = True
        if not changed:
            report.unchanged += 1
    for gone in by_key.values():
        if gone.status != QuestionStatus.RETIRED:
            gone.status = QuestionStatus.RETIRED
            report.retired += 1
    db.flush()
    if new:
        _insert_questions(db, bank, topics, new, author_id)
    report.banks.append(spec.slug)
    return bank


def _insert_questions(
    db: Session,
    bank: Bank,
    topics: dict[str, Topic],
    specs: list[QuestionSpec],
    author_id: int | None,
) -> None:
    """New questions with their first versions and choices: three bulk INSERTs instead of one
    ORM object per row (a 1,000-question bank: about 6,000 rows)."""
    question_ids = db.scalars(
        sa.insert(Question).returning(Question.id, sort_by_parameter_order=True),
        [
            {"bank_id": bank.id, "topic_id": topics[s.topic].id, "key": s.key, "status": s.status}
            for s in specs
        ],
    ).all()
    version_ids = db.scalars(
        sa.insert(QuestionVersion).returning(QuestionVersion.id, sort_by_parameter_order=True),
        [
            {"question_id": question_id, "number": 1, **_version_values(s, author_id)}
            for question_id, s in zip(question_ids, specs, strict=True)
        ],
    ).all()
    db.execute(
        sa.insert(Choice),
        [
            {"version_id": version_id, **values}
            for version_id, s in zip(version_ids, specs, strict=True)
            for values in _choice_values(s)
        ],
    )
    db.expire(bank, ["questions"])  # loaded before these rows: read again on next use


def _sync_topics(db: Session, bank: Bank, specs: tuple[TopicSpec, ...]) -> dict[str, Topic]:
    existing = {t.key: t for t in bank.topics}
    for position, spec in enumerate(specs):
        topic = existing.get(spec.key)
        if topic is None:
            topic = Topic(bank=bank, key=spec.key)
            db.add(topic)
            existing[spec.key] = topic
        topic.title, topic.section, topic.position = spec.title, spec.section, position
    db.flush()
    return existing


def spec_from_bank(bank: Bank) -> BankSpec:
    """The bank as a BankSpec (latest version of every question, retired ones included)."""
    topic_keys = {t.id: t.key for t in bank.topics}
    return BankSpec(
        slug=bank.slug,
        title=bank.title,
        document=f"documents/{bank.slug}.md",
        document_text=bank.document.body,
        topics=tuple(TopicSpec(t.key, t.title, t.section) for t in bank.topics),
        questions=tuple(
            QuestionSpec(
                key=q.key,
                topic=topic_keys[q.topic_id],
                kind=q.current.kind,
                stem=q.current.stem,
                choices=tuple(
                    ChoiceSpec(c.text, c.is_correct, c.feedback) for c in q.current.choices
                ),
                source_excerpt=q.current.source_excerpt,
                explanation=q.current.explanation,
                status=q.status,
            )
            for q in sorted(bank.questions, key=lambda q: q.id)
        ),
    )


# --- Changes an administrator makes to one question (the admin bank editor) ----------------


class StatusError(ValueError):
    """A status change that is not allowed from the question's current status."""


#: What each administrator action may change: action -> (statuses it starts from, new status).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": ((QuestionStatus.DRAFT,), QuestionStatus.APPROVED),
    "retire": ((QuestionStatus.DRAFT, QuestionStatus.APPROVED), QuestionStatus.RETIRED),
    "restore": ((QuestionStatus.RETIRED,), QuestionStatus.DRAFT),
}


def create_question(
    db: Session, bank: Bank, topic: Topic, spec: QuestionSpec, author_id: int | None = None
) -> Question:
    """Stage a new draft question in ``bank`` with ``spec`` as its version 1."""
    question = Question(bank=bank, topic=topic, key=spec.key, status=QuestionStatus.DRAFT)
    db.add(question)
    add_version(db, question, spec, author_id)
    db.flush()
    return question


def edit_question(
    db: Session, question: Question, topic: Topic, spec: QuestionSpec, author_id: int | None = None
) -> bool:
    """Stage an edit: new content becomes a new version (old versions never change).

    Any change to an approved question puts it back to draft, so patients never see wording
    nobody approved; it returns to the quiz when approved again. Returns whether anything
    changed (a new version, the topic, or both).
    """
    changed = question.topic_id != topic.id
    if version_content(question.current) != spec.content():
        add_version(db, question, spec, author_id)
        changed = True
    question.topic = topic
    if changed and question.status == QuestionStatus.APPROVED:
        question.status = QuestionStatus.DRAFT
    db.flush()
    return changed


def change_status(db: Session, question: Question, action: str) -> str:
    """Stage ``action`` (approve, retire, restore) on ``question``; returns the new status.

    Raises StatusError when the action does not apply to the current status.
    """
    allowed_from, new_status = TRANSITIONS[action]
    if question.status not in allowed_from:
        raise StatusError(f"A {question.status} question cannot be {action}d.")
    question.status = new_status
    db.flush()
    return new_status


# --- Reviewing generated drafts (the admin review queue) -------------------------------------


def reject_question(db: Session, question: Question, reason: str) -> None:
    """Stage the rejection of a draft: it is retired, and ``reason`` is kept for its history.

    Raises StatusError unless the question is a draft, ValueError when the reason is empty.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("A rejection needs a reason.")
    if question.status != QuestionStatus.DRAFT:
        raise StatusError(f"A {question.status} question cannot be rejected: only drafts can.")
    question.status = QuestionStatus.RETIRED
    question.review_note = reason
    db.flush()


def move_question(db: Session, question: Question, topic: Topic) -> bool:
    """Stage moving ``question`` to another topic of its bank; returns whether it moved.

    The wording does not change, so no version is made: the topic belongs to the question.
    """
    if topic.bank_id != question.bank_id:
        raise ValueError("A question can only move to a topic of its own bank.")
    if question.topic_id == topic.id:
        return False
    question.topic = topic
    db.flush()
    return True
