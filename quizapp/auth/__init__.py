"""Staff sign-in, sign-out and password change."""

from __future__ import annotations

from quizapp.auth.views import bp

__all__ = ["bp"]
