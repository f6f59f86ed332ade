"""A patient's answers as FHIR QuestionnaireResponses (the latest answer to each question)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from quizapp.domain import fhir
from quizapp.models import Assignment, Patient, Question, QuestionVersion, Response, Round
from quizapp.operations import quiz as quiz_ops


def patient_responses(db: Session, patient: Patient, base_url: str) -> list[dict]:
    """One QuestionnaireResponse per assignment of the patient."""
    resources = []
    assignments = db.scalars(
        sa.select(Assignment).where(Assignment.patient_id == patient.id).order_by(Assignment.id)
    ).all()
    for assignment in assignments:
        responses = db.scalars(
            sa.select(Response)
            .join(Round, Round.id == Response.round_id)
            .where(Round.assignment_id == assignment.id)
            .order_by(Round.number, Response.id)
            .options(
                selectinload(Response.chosen),
                selectinload(Response.version).selectinload(QuestionVersion.choices),
                selectinload(Response.version)
                .selectinload(QuestionVersion.question)
                .selectinload(Question.topic),
            )
        ).all()
        latest: dict[str, fhir.AnsweredItem] = {}
        for response in responses:  # later rounds overwrite earlier answers to the same question
            version = response.version
            question = version.question
            latest[question.key] = fhir.AnsweredItem(
                topic_key=question.topic.key,
                topic_title=question.topic.title,
                question_key=question.key,
                stem=version.stem,
                chosen=tuple(
                    (c.position, c.text) for c in quiz_ops.chosen_choices(response, version)
                ),
            )
        topic_order = {t.key: t.position for t in assignment.bank.topics}
        items = sorted(latest.values(), key=lambda a: topic_order.get(a.topic_key, 0))
        when = assignment.completed_at or assignment.last_activity_at or assignment.created_at
        resources.append(
            fhir.questionnaire_response(
                assignment.bank.slug,
                f"assignment-{assignment.id}",
                patient.id,
                patient.display_name,
                assignment.completed_at is not None,
                when.isoformat(timespec="seconds"),
                items,
                base_url,
            )
        )
    return resources
