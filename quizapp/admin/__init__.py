"""The administrator's pages: banks, questions, staff and the audit log."""

from __future__ import annotations

from quizapp.admin import banks, drafts, questions, views  # noqa: F401  (each adds its views to bp)
from quizapp.admin.blueprint import bp

__all__ = ["bp"]
