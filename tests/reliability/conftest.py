"""Fixtures of the reliability tests: patients enrolled in bulk, ready to sign in."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from quizapp.models import Choice
from quizapp.operations import patients as patient_ops
from tests.reliability.load import Enrolled


@pytest.fixture
def enrol(app, dbs, make_user, bundled_bank):
    """Factory: ``n`` patients of one educator, each with the bundled bank and a fresh code."""
    educator = make_user("educator")
    key = app.config["SECRET_KEY"]

    def make(n: int, per_topic: int = 2, max_rounds: int = 3) -> list[Enrolled]:
        enrolled = []
        for i in range(n):
            patient = patient_ops.add_patient(dbs, educator, f"Load Patient {i}")
            assignment = patient_ops.assign_bank(
                dbs, patient, bundled_bank, educator, per_topic, max_rounds, random.Random(i)
            )
            code = patient_ops.issue_code(dbs, patient, key, 30)
            enrolled.append(Enrolled(assignment.id, code))
        dbs.commit()
        return enrolled

    return make


@pytest.fixture
def correct(dbs, bundled_bank) -> dict[int, bool]:
    """Every choice of the bundled bank: is it a right answer?"""
    return dict(dbs.execute(sa.select(Choice.id, Choice.is_correct)).all())
