"""The patient's pages: access code, reading and the quiz."""

from __future__ import annotations

from quizapp.patient.views import bp

__all__ = ["bp"]
