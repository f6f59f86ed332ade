"""Writing audit events. Ids and action names only: never answers, names or document text."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from quizapp.driver_statements import DriverStatement
from quizapp.models import AuditEvent, utcnow

log = logging.getLogger("quizapp.audit")

#: The columns ``event`` gives values for, in order (the answer's statement on PostgreSQL writes
#: them as parameters of its own).
COLUMNS = (
    "at",
    "action",
    "actor_user_id",
    "actor_patient_id",
    "patient_id",
    "target",
    "outcome",
    "ip",
)
#: Built once, run on the driver's cursor (see quizapp.driver_statements): an audit row is written
#: on most requests, and on SQLite inside the write lock.
_table = AuditEvent.__table__
_INSERT = DriverStatement(
    sa.insert(_table).values(
        {name: sa.bindparam(name, type_=_table.c[name].type) for name in COLUMNS}
    )
)


def event(
    action: str,
    *,
    actor_user_id: int | None = None,
    actor_patient_id: int | None = None,
    patient_id: int | None = None,
    target: str = "",
    outcome: str = "ok",
    ip: str = "",
) -> dict[str, Any]:
    """The columns of one audit event, stamped now: for ``write``, or for a statement that
    writes it together with what it records (the answer, on PostgreSQL)."""
    return {
        "at": utcnow(),
        "action": action,
        "actor_user_id": actor_user_id,
        "actor_patient_id": actor_patient_id,
        "patient_id": patient_id,
        "target": target,
        "outcome": outcome,
        "ip": ip[:64],
    }


def write(conn: sa.Connection, values: dict[str, Any]) -> None:
    """Write the event ``values`` (from ``event``) in the connection's transaction (the view
    commits), and log its ids. A plain INSERT: nothing reads the row back in the request."""
    _INSERT.execute(conn, values)
    log_written(values)


def log_written(values: dict[str, Any]) -> None:
    """Log the ids of an event that was written."""
    log.info(
        "audit action=%s outcome=%s user=%s patient_actor=%s patient=%s target=%s",
        values["action"],
        values["outcome"],
        values["actor_user_id"],
        values["actor_patient_id"],
        values["patient_id"],
        values["target"],
    )
