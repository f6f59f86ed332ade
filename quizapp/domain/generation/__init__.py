"""Drafting question banks from patient-education documents (see bank.py for the pipeline)."""

from __future__ import annotations

from quizapp.domain.generation.bank import (
    Generated,
    draft,
    generate_bank,
    generate_bank_from_bytes,
)
from quizapp.domain.generation.drafts import Draft
from quizapp.domain.generation.intake import MAX_BYTES, DocumentError, decode

__all__ = [
    "MAX_BYTES",
    "DocumentError",
    "Draft",
    "Generated",
    "decode",
    "draft",
    "generate_bank",
    "generate_bank_from_bytes",
]
