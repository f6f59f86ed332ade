"""The audit log: who read or changed what. Append-only: the database refuses edits and deletes."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.models.base import Base, utcnow


class AuditEvent(Base):
    """One audited action. Holds ids and action names, never answers or document text."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    #: Staff member who acted (none for patients and anonymous visitors).
    actor_user_id: Mapped[int | None] = mapped_column(index=True)
    #: Patient who acted, when a patient did.
    actor_patient_id: Mapped[int | None]
    #: Patient whose data was read or changed.
    patient_id: Mapped[int | None] = mapped_column(index=True)
    #: Dotted action name such as ``patient.summary.view`` or ``auth.login.failed``.
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: What was acted on, as ``kind:id`` (for example ``bank:3``).
    target: Mapped[str] = mapped_column(sa.String(120), default="")
    outcome: Mapped[str] = mapped_column(sa.String(16), default="ok")
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
