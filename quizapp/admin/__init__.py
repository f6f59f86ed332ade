"""The administrator's pages: banks, questions, staff and the audit log."""

from __future__ import annotations

from quizapp.admin.views import bp

__all__ = ["bp"]
