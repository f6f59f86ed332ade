"""All models, importable from one place."""

from __future__ import annotations

from quizapp.models.audit import AuditEvent
from quizapp.models.base import Base, utcnow
from quizapp.models.content import (
    Bank,
    Choice,
    Document,
    Question,
    QuestionKind,
    QuestionStatus,
    QuestionVersion,
    Topic,
)
from quizapp.models.people import STAFF_ROLES, AccessCode, Patient, Role, User
from quizapp.models.quiz import Assignment, Response, ResponseChoice, Round, RoundItem

__all__ = [
    "STAFF_ROLES",
    "AccessCode",
    "Assignment",
    "AuditEvent",
    "Bank",
    "Base",
    "Choice",
    "Document",
    "Patient",
    "Question",
    "QuestionKind",
    "QuestionStatus",
    "QuestionVersion",
    "Response",
    "ResponseChoice",
    "Role",
    "Round",
    "RoundItem",
    "Topic",
    "User",
    "utcnow",
]
