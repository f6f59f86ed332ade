"""Reading grade of patient-facing text (Flesch-Kincaid, textstat 0.7.8 works offline)."""

from __future__ import annotations

from functools import lru_cache

import textstat

#: Patient text must read at this grade or lower.
MAX_GRADE = 8.0


@lru_cache(maxsize=8192)  # lint and import grade the same texts one after the other
def grade(text: str) -> float | None:
    """Flesch-Kincaid grade of ``text``; None when it is too short to score meaningfully."""
    text = " ".join(text.split())
    if len(text.split()) < 3:
        return None
    return round(float(textstat.flesch_kincaid_grade(text)), 1)
