"""Standard formats for other systems: FHIR resources for staff under ``/fhir``."""

from __future__ import annotations

from quizapp.interop.views import bp

__all__ = ["bp"]
