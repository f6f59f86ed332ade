"""Question versions kept in memory, per app (so per worker process).

A question version and its choices never change once written: the database refuses it (the
triggers of migration 0001), and an edit makes a new version with a new id. So a version read once
can be served from memory for the life of the process, which spares the question and answer pages
two queries and the building of ORM objects. Restoring a backup over a running server would break
that promise: restart the server after `flask db restore` (the README says so).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.models import Choice, QuestionVersion

#: Versions kept at most; beyond it the oldest read is dropped (a bank has a few hundred).
DEFAULT_SIZE = 4096


@dataclass(frozen=True, slots=True)
class CachedChoice:
    id: int
    position: int
    text: str
    is_correct: bool
    feedback: str


@dataclass(frozen=True, slots=True)
class CachedVersion:
    """The parts of a question version the patient's pages show and grade with."""

    id: int
    question_id: int
    kind: str
    stem: str
    explanation: str
    source_excerpt: str
    #: In their stored order (the page shuffles them per patient).
    choices: tuple[CachedChoice, ...]

    @property
    def choice_ids(self) -> list[int]:
        return [c.id for c in self.choices]

    @property
    def correct_ids(self) -> set[int]:
        return {c.id for c in self.choices if c.is_correct}


_VERSION = sa.select(
    QuestionVersion.question_id,
    QuestionVersion.kind,
    QuestionVersion.stem,
    QuestionVersion.explanation,
    QuestionVersion.source_excerpt,
).where(QuestionVersion.id == sa.bindparam("id"))
_CHOICES = (
    sa.select(Choice.id, Choice.position, Choice.text, Choice.is_correct, Choice.feedback)
    .where(Choice.version_id == sa.bindparam("id"))
    .order_by(Choice.position)
)


def load(db: Session | sa.Connection, version_id: int) -> CachedVersion | None:
    """Read one version and its choices from the database (two indexed queries)."""
    row = db.execute(_VERSION, {"id": version_id}).one_or_none()
    if row is None:
        return None
    choices = tuple(CachedChoice(*c) for c in db.execute(_CHOICES, {"id": version_id}))
    return CachedVersion(version_id, *row, choices=choices)


class VersionCache:
    """Version id -> CachedVersion, bounded, safe to share between threads."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: dict[int, CachedVersion] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def cached(self, version_id: int) -> CachedVersion | None:
        """The version with this id if it is in memory (nothing is read)."""
        return self._items.get(version_id)

    def get(self, db: Session | sa.Connection, version_id: int) -> CachedVersion | None:
        """The version with this id, from memory or read once; None if there is none."""
        found = self._items.get(version_id)
        if found is not None:
            return found
        found = load(db, version_id)
        if found is not None:
            with self._lock:
                while len(self._items) >= self.size:
                    self._items.pop(next(iter(self._items)))
                self._items[version_id] = found
        return found
