"""Documents, question banks, topics, questions and their immutable versions."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.models.base import Base, utcnow


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    TRUEFALSE = "truefalse"
    MULTI = "multi"


class QuestionStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"


class Document(Base):
    """A patient-education text in Markdown; the source of every question in its banks."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Bank(Base):
    """The questions drawn from one document, grouped by topic."""

    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    document: Mapped[Document] = relationship()
    topics: Mapped[list[Topic]] = relationship(back_populates="bank", order_by="Topic.position")
    questions: Mapped[list[Question]] = relationship(back_populates="bank")


class Topic(Base):
    """One learning objective of a bank."""

    __tablename__ = "topics"
    __table_args__ = (sa.UniqueConstraint("bank_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("banks.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(200))
    #: Anchor of the document section that teaches this topic, for "read this again" links.
    section: Mapped[str | None] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)

    bank: Mapped[Bank] = relationship(back_populates="topics")


class Question(Base):
    """A stable question identity; its wording lives in versions."""

    __tablename__ = "questions"
    __table_args__ = (
        sa.UniqueConstraint("bank_id", "key"),
        sa.CheckConstraint("status IN ('draft', 'approved', 'retired')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("banks.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("topics.id", ondelete="RESTRICT"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(80))
    status: Mapped[str] = mapped_column(sa.String(16), default=QuestionStatus.DRAFT)
    #: Why an administrator rejected this draft in the review queue (shown in its history).
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    bank: Mapped[Bank] = relationship(back_populates="questions")
    topic: Mapped[Topic] = relationship()
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )

    @property
    def current(self) -> QuestionVersion:
        """The newest version: what patients are asked from now on."""
        return self.versions[-1]


class QuestionVersion(Base):
    """The wording of a question at one point in time. Never updated: an edit adds a version.

    The database refuses UPDATE on this table and on ``choices`` (see the first migration), so a
    version a patient answered always shows what that patient saw.
    """

    __tablename__ = "question_versions"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "number"),
        sa.CheckConstraint("kind IN ('single', 'truefalse', 'multi')", name="kind_known"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))
    stem: Mapped[str] = mapped_column(sa.Text)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    #: Words of the document that state the correct answer, stored verbatim.
    source_excerpt: Mapped[str] = mapped_column(sa.Text)
    #: Flesch-Kincaid grade of the patient-facing text, computed when the version is made.
    reading_grade: Mapped[float | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    question: Mapped[Question] = relationship(back_populates="versions")
    choices: Mapped[list[Choice]] = relationship(
        back_populates="version", order_by="Choice.position"
    )


class Choice(Base):
    """One answer option of a question version."""

    __tablename__ = "choices"
    __table_args__ = (sa.UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question_versions.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    is_correct: Mapped[bool] = mapped_column(default=False)
    #: Shown to a patient who picks this choice.
    feedback: Mapped[str] = mapped_column(sa.Text, default="")

    version: Mapped[QuestionVersion] = relationship(back_populates="choices")
