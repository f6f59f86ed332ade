"""quizapp: teach-to-goal comprehension quizzes before the consent discussion."""

from __future__ import annotations

from quizapp.factory import create_app

__all__ = ["create_app"]
