"""Patients get a one-time enrolment key; assignments record their outcome at completion.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch_op:
        batch_op.add_column(sa.Column("enrolment_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_patients_enrolment_key"), ["enrolment_key"], unique=True
        )
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.add_column(sa.Column("ready", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.drop_column("ready")
    with op.batch_alter_table("patients") as batch_op:
        batch_op.drop_index(batch_op.f("ix_patients_enrolment_key"))
        batch_op.drop_column("enrolment_key")
