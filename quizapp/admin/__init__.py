"""The administrator's pages: banks, questions, staff and the audit log."""

from __future__ import annotations

# Each module adds its views to bp.
from quizapp.admin import (  # noqa: F401
    audit_log,
    banks,
    drafts,
    questions,
    staff,
    stats,
    views,
)
from quizapp.admin.blueprint import bp

__all__ = ["bp"]
