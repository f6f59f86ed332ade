"""Writing audit events. Ids and action names only: never answers, names or document text."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from quizapp.models import AuditEvent

log = logging.getLogger("quizapp.audit")


def record(
    db: Session,
    action: str,
    *,
    actor_user_id: int | None = None,
    actor_patient_id: int | None = None,
    patient_id: int | None = None,
    target: str = "",
    outcome: str = "ok",
    ip: str = "",
) -> AuditEvent:
    """Stage one audit event and log its ids."""
    event = AuditEvent(
        action=action,
        actor_user_id=actor_user_id,
        actor_patient_id=actor_patient_id,
        patient_id=patient_id,
        target=target,
        outcome=outcome,
        ip=ip[:64],
    )
    db.add(event)
    db.flush()
    log.info(
        "audit action=%s outcome=%s user=%s patient_actor=%s patient=%s target=%s",
        action,
        outcome,
        actor_user_id,
        actor_patient_id,
        patient_id,
        target,
    )
    return event
