"""A patient's quiz status, as the educator's dashboard names it."""

from __future__ import annotations

UNASSIGNED = "unassigned"
NOT_STARTED = "not_started"
READING = "reading"
IN_PROGRESS = "in_progress"
READY = "ready"
NEEDS_DISCUSSION = "needs_discussion"

LABELS = {
    UNASSIGNED: "No quiz assigned",
    NOT_STARTED: "Not started",
    READING: "Reading",
    IN_PROGRESS: "In progress",
    READY: "Ready",
    NEEDS_DISCUSSION: "Needs discussion",
}


def status_of(
    assigned: bool, started_reading: bool, has_rounds: bool, completed: bool, ready: bool | None
) -> str:
    """The status from the facts the database holds (the dashboard's SQL mirrors this)."""
    if not assigned:
        return UNASSIGNED
    if completed:
        return READY if ready else NEEDS_DISCUSSION
    if has_rounds:
        return IN_PROGRESS
    return READING if started_reading else NOT_STARTED
