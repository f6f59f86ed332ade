"""The educator's pages: patients, assignments and comprehension summaries."""

from __future__ import annotations

from quizapp.educator.views import bp

__all__ = ["bp"]
