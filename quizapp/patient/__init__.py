"""The patient's pages: access code, reading and the quiz."""

from __future__ import annotations

from quizapp.patient import access, quiz, reading  # noqa: F401  (each module registers its routes)
from quizapp.patient.blueprint import bp

__all__ = ["bp"]
