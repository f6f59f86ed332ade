"""Writing audit events. Ids and action names only: never answers, names or document text."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.models import AuditEvent, utcnow

log = logging.getLogger("quizapp.audit")


#: Built once: an audit row is written on most requests.
_INSERT = sa.insert(AuditEvent.__table__)


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
) -> None:
    """Write one audit event in the session's transaction (the view commits), and log its ids.
    A plain INSERT on the session's connection: nothing reads the row back in the request."""
    db.connection().execute(
        _INSERT,
        {
            "at": utcnow(),
            "action": action,
            "actor_user_id": actor_user_id,
            "actor_patient_id": actor_patient_id,
            "patient_id": patient_id,
            "target": target,
            "outcome": outcome,
            "ip": ip[:64],
        },
    )
    log.info(
        "audit action=%s outcome=%s user=%s patient_actor=%s patient=%s target=%s",
        action,
        outcome,
        actor_user_id,
        actor_patient_id,
        patient_id,
        target,
    )
