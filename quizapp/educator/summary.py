"""The comprehension summary of one assignment, as the educator reads it before the consult."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from quizapp.domain import chart, documents, teach_to_goal
from quizapp.domain import status as st
from quizapp.driver_statements import DriverStatement
from quizapp.models import (
    Assignment,
    Choice,
    QuestionVersion,
    Response,
    ResponseChoice,
    Round,
    Topic,
)
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
    state = quiz_ops.progress(db, assignment, with_items=False)
    document = documents.parse(assignment.bank.document.body)
    by_topic = {t.key: TopicSummary(t, r) for t, r in zip(state.topics, state.results, strict=True)}
    for row in _missed_rows(db, assignment):
        topic = by_topic.get(row.topic)
        if topic is None:
            continue
        found = documents.passage(document, row.source_excerpt)
        topic.missed.append(
            Missed(
                round_number=row.round_number,
                stem=row.stem,
                chosen=row.chosen,
                correct=row.correct,
                passage=found.html,
                section=found.section.heading if found.section else "",
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


@dataclass
class _MissedRow:
    round_number: int
    topic: str
    stem: str
    source_excerpt: str
    chosen: list[str] = field(default_factory=list)
    correct: list[str] = field(default_factory=list)


def _missed_rows(db: Session, assignment: Assignment) -> list[_MissedRow]:
    """The assignment's wrong answers in the order given, with the texts of the choices picked
    and of the right ones (in the version's order): one query, a row per answer and choice."""
    rows = _MISSED.all(db, {"assignment_id": assignment.id})
    missed = []
    for _response_id, answer in itertools.groupby(rows, key=lambda row: row[0]):
        answer_rows = list(answer)
        _, number, topic, stem, excerpt = answer_rows[0][:5]
        choices = [row[5:] for row in answer_rows if row[5] is not None]
        missed.append(
            _MissedRow(
                round_number=number,
                topic=topic,
                stem=stem,
                source_excerpt=excerpt,
                chosen=[text for text, _, picked in choices if picked],
                correct=[text for text, is_correct, _ in choices if is_correct],
            )
        )
    return missed


#: A row per wrong answer of bound ``assignment_id`` and choice of its version, in the order the
#: answers were given and the choices are shown: (answer id, round number, topic key, stem,
#: source excerpt, choice text, choice is right, choice was picked). Run on the driver.
_MISSED = DriverStatement(
    quiz_ops.with_topic(
        sa.select(
            Response.id,
            Round.number,
            Topic.key,
            QuestionVersion.stem,
            QuestionVersion.source_excerpt,
            Choice.text,
            Choice.is_correct,
            ResponseChoice.choice_id.is_not(None),
        ).join(Round, Round.id == Response.round_id)
    )
    .outerjoin(Choice, Choice.version_id == Response.question_version_id)
    .outerjoin(
        ResponseChoice,
        (ResponseChoice.response_id == Response.id) & (ResponseChoice.choice_id == Choice.id),
    )
    .where(Round.assignment_id == sa.bindparam("assignment_id"), Response.is_correct.is_(False))
    .order_by(Round.number, Response.id, Choice.position)
)
