"""The comprehension summary of one assignment, as the educator reads it before the consult."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session, selectinload

from quizapp.domain import chart, documents, teach_to_goal
from quizapp.domain import status as st
from quizapp.models import Assignment, Question, QuestionVersion, Response, Round, Topic
from quizapp.operations import quiz as quiz_ops


@dataclass
class Missed:
    """A wrong answer: what was asked, what the patient chose, what is right, what to go over."""

    round_number: int
    stem: str
    chosen: list[str]
    correct: list[str]
    passage: Markup | None
    section: str


@dataclass
class TopicSummary:
    topic: Topic
    result: teach_to_goal.TopicResult
    missed: list[Missed] = field(default_factory=list)

    @property
    def first_try(self) -> str:
        r = self.result
        return f"{r.first_try_correct} of {r.first_try_total}" if r.first_try_total else "not asked"

    @property
    def final(self) -> str:
        r = self.result
        return f"{r.final_correct} of {r.final_total}" if r.final_total else "not asked"


@dataclass
class Summary:
    assignment: Assignment
    status: str
    topics: list[TopicSummary]
    rounds_used: int
    chart: Markup

    @property
    def status_label(self) -> str:
        return st.LABELS[self.status]

    @property
    def talk_about(self) -> list[TopicSummary]:
        """Topics to go over in the consult: not mastered, or missed along the way."""
        return [t for t in self.topics if t.missed or not t.result.mastered]


def _percent(right: int, total: int) -> int | None:
    return None if total == 0 else round(100 * right / total)


def build(db: Session, assignment: Assignment) -> Summary:
    """Everything the summary page shows, in a handful of queries."""
    state = quiz_ops.progress(db, assignment)
    responses = db.scalars(
        sa.select(Response)
        .join(Round, Round.id == Response.round_id)
        .where(Round.assignment_id == assignment.id, Response.is_correct.is_(False))
        .order_by(Round.number, Response.id)
        .options(
            selectinload(Response.round),
            selectinload(Response.chosen),
            selectinload(Response.version).selectinload(QuestionVersion.choices),
            selectinload(Response.version)
            .selectinload(QuestionVersion.question)
            .selectinload(Question.topic),
        )
    ).all()
    document = documents.parse(assignment.bank.document.body)
    by_topic = {t.key: TopicSummary(t, r) for t, r in zip(state.topics, state.results, strict=True)}
    for response in responses:
        version = response.version
        topic = by_topic.get(version.question.topic.key)
        if topic is None:
            continue
        section = document.section_of(version.source_excerpt)
        block = documents.block_with(section, version.source_excerpt) if section else None
        topic.missed.append(
            Missed(
                round_number=response.round.number,
                stem=version.stem,
                chosen=[c.text for c in quiz_ops.chosen_choices(response, version)],
                correct=[c.text for c in version.choices if c.is_correct],
                passage=documents.block_html(block, version.source_excerpt) if block else None,
                section=section.heading if section else "",
            )
        )
    topics = list(by_topic.values())
    status = st.status_of(
        True,
        assignment.started_reading_at is not None,
        bool(state.rounds),
        assignment.completed_at is not None,
        assignment.ready,
    )
    bars = [
        chart.Bar(
            t.topic.title,
            _percent(t.result.first_try_correct, t.result.first_try_total),
            _percent(t.result.final_correct, t.result.final_total),
        )
        for t in topics
    ]
    return Summary(
        assignment=assignment,
        status=status,
        topics=topics,
        rounds_used=len(state.rounds),
        chart=chart.mastery_svg(
            bars, "Share of right answers per topic, first try and latest round"
        ),
    )
