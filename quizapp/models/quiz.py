"""Assignments, rounds and responses: a patient's way through a bank."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.models.base import Base, utcnow
from quizapp.models.content import Bank, Choice, QuestionVersion
from quizapp.models.people import Patient, User


class Assignment(Base):
    """A bank given to a patient by an educator, with its settings."""

    __tablename__ = "assignments"
    __table_args__ = (
        sa.UniqueConstraint("patient_id", "bank_id"),
        sa.CheckConstraint(
            "questions_per_topic BETWEEN 1 AND 10", name="questions_per_topic_range"
        ),
        sa.CheckConstraint("max_rounds BETWEEN 1 AND 10", name="max_rounds_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id", ondelete="CASCADE"))
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("banks.id", ondelete="RESTRICT"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    questions_per_topic: Mapped[int] = mapped_column(default=2)
    max_rounds: Mapped[int] = mapped_column(default=3)
    #: Seeds question choice and choice order, so a reload shows the same screen.
    seed: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: When the patient first opened the document.
    started_reading_at: Mapped[dt.datetime | None]
    #: Set when every topic is mastered or the last round allowed is finished.
    completed_at: Mapped[dt.datetime | None]
    #: The outcome recorded at completion: every topic mastered (ready for the consent
    #: discussion) or not (needs discussion). None while the quiz is not complete.
    ready: Mapped[bool | None]
    #: Last time the patient answered or finished a round; for the educator's dashboard.
    last_activity_at: Mapped[dt.datetime | None]

    patient: Mapped[Patient] = relationship()
    bank: Mapped[Bank] = relationship()
    assigned_by: Mapped[User | None] = relationship()
    rounds: Mapped[list[Round]] = relationship(back_populates="assignment", order_by="Round.number")


class Round(Base):
    """One pass of questions. At most one round of an assignment is open at a time."""

    __tablename__ = "rounds"
    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "number"),
        sa.Index(
            "uq_rounds_one_open_per_assignment",
            "assignment_id",
            unique=True,
            sqlite_where=sa.text("finished_at IS NULL"),
            postgresql_where=sa.text("finished_at IS NULL"),
        ),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"))
    number: Mapped[int]
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]

    assignment: Mapped[Assignment] = relationship(back_populates="rounds")
    items: Mapped[list[RoundItem]] = relationship(
        back_populates="round", order_by="RoundItem.position"
    )
    responses: Mapped[list[Response]] = relationship(back_populates="round")


class RoundItem(Base):
    """A question version planned for a round, in the order it is asked."""

    __tablename__ = "round_items"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "position"),
        sa.UniqueConstraint("round_id", "question_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question_versions.id", ondelete="RESTRICT"), index=True
    )

    round: Mapped[Round] = relationship(back_populates="items")
    version: Mapped[QuestionVersion] = relationship()


class Response(Base):
    """One answer to one question version within a round, stored the moment it is given."""

    __tablename__ = "responses"
    __table_args__ = (sa.UniqueConstraint("round_id", "question_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    question_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question_versions.id", ondelete="RESTRICT"), index=True
    )
    is_correct: Mapped[bool]
    answered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship(back_populates="responses")
    version: Mapped[QuestionVersion] = relationship()
    chosen: Mapped[list[ResponseChoice]] = relationship(back_populates="response")


class ResponseChoice(Base):
    """A choice the patient picked in a response (several for select-all questions)."""

    __tablename__ = "response_choices"

    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    choice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("choices.id", ondelete="RESTRICT"), primary_key=True, index=True
    )

    response: Mapped[Response] = relationship(back_populates="chosen")
    choice: Mapped[Choice] = relationship()
