"""A hand-made cohort of first rounds, stored the way the quiz stores them."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.models import (
    Assignment,
    Bank,
    Patient,
    Question,
    QuestionVersion,
    Response,
    ResponseChoice,
    Round,
    utcnow,
)

#: First rounds of the cohort: per patient, the choices picked (by position) on each question.
#: what-freeze: 0 is right. what-needles: 0 (True) is right. options-other: 0 and 1 together.
#: The strong patients (right on the other two) miss what-freeze; nobody picks its choice 2.
COHORT = [
    {"what-freeze": [1], "what-needles": [0], "options-other": [0, 1]},
    {"what-freeze": [1], "what-needles": [0], "options-other": [0, 1]},
    {"what-freeze": [1], "what-needles": [1], "options-other": [0]},
    {"what-freeze": [1], "what-needles": [1], "options-other": [0, 2]},
    {"what-freeze": [0], "what-needles": [0], "options-other": [2]},
    {"what-freeze": [0], "what-needles": [1], "options-other": [0]},
    {"what-freeze": [0], "what-needles": [1], "options-other": [1]},
    {"what-freeze": [0], "what-needles": [1], "options-other": [2]},
    {"what-freeze": [0], "what-needles": [0], "options-other": [1, 2]},
    {"what-freeze": [1], "what-needles": [1], "options-other": [0]},
]
RIGHT = {"what-freeze": {0}, "what-needles": {0}, "options-other": {0, 1}}


def versions(dbs) -> dict[str, QuestionVersion]:
    """The newest version of each question of the test bank, by key."""
    result = {}
    for question in dbs.scalars(sa.select(Question)):
        result[question.key] = question.current
    return result


def add_round(dbs, assignment, number, answers: dict[str, list[int]], by_key=None) -> Round:
    """A round with these answers, stored the way the quiz stores them."""
    by_key = by_key or versions(dbs)
    round_ = Round(assignment=assignment, number=number, finished_at=utcnow())
    dbs.add(round_)
    dbs.flush()
    for key, picked in answers.items():
        version = by_key[key]
        response = Response(
            round_id=round_.id,
            question_version_id=version.id,
            is_correct=set(picked) == RIGHT[key],
        )
        dbs.add(response)
        dbs.flush()
        for position in picked:
            choice = next(c for c in version.choices if c.position == position)
            dbs.add(ResponseChoice(response_id=response.id, choice_id=choice.id))
    return round_


def enrol(dbs, bank: Bank, educator) -> Assignment:
    patient = Patient(display_name="Cohort patient", educator=educator)
    assignment = Assignment(patient=patient, bank=bank, seed=1)
    dbs.add(assignment)
    dbs.flush()
    return assignment


def make_cohort(dbs, bank: Bank, educator) -> Bank:
    """The ten first rounds of COHORT, plus second rounds for the first three patients."""
    by_key = versions(dbs)
    for n, answers in enumerate(COHORT):
        assignment = enrol(dbs, bank, educator)
        add_round(dbs, assignment, 1, answers, by_key)
        if n < 3:  # after teaching: right now, but not a first try
            add_round(dbs, assignment, 2, {"what-freeze": [0]}, by_key)
    dbs.commit()
    return bank
