"""Staff accounts, patients and their access codes."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.models.base import Base, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    EDUCATOR = "educator"
    PATIENT = "patient"


STAFF_ROLES = (Role.ADMIN, Role.EDUCATOR)


def new_session_token() -> str:
    """A fresh token; changing it ends every session that carries the old one."""
    return secrets.token_urlsafe(24)


class User(Base):
    """A staff account: an administrator or an educator."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'educator')", name="staff_role"),
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120), default="")
    role: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Part of the login cookie; rotated at logout and password change so old cookies stop working.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]

    patients: Mapped[list[Patient]] = relationship(back_populates="educator")

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"staff:{self.id}:{self.session_token}"

    @property
    def name(self) -> str:
        return self.display_name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class Patient(Base):
    """A patient enrolled by an educator. Signs in with an access code, never a password."""

    __tablename__ = "patients"
    __table_args__ = (sa.CheckConstraint("length(display_name) > 0", name="display_name_present"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    #: Medical record number, optional; unique among patients when present.
    mrn: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    consult_date: Mapped[dt.date | None]
    educator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    #: One-time key of the enrolment form that created this patient, so a form sent twice
    #: (double click, refresh) cannot enrol the same person twice.
    enrolment_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    educator: Mapped[User] = relationship(back_populates="patients")
    access_codes: Mapped[list[AccessCode]] = relationship(back_populates="patient")

    role = Role.PATIENT
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"patient:{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<Patient {self.id}>"


class AccessCode(Base):
    """A patient's sign-in code. Only a keyed hash is stored; the code itself is shown once."""

    __tablename__ = "access_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    #: HMAC-SHA256 of the normalized code, hex.
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    patient: Mapped[Patient] = relationship(back_populates="access_codes")

    def is_usable(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
