"""The comprehension summary of one assignment, as the educator reads it before the consult."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from quizapp.domain import chart, documents, teach_to_goal
from quizapp.domain import status as st
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
        section = document.section_of(row.source_excerpt)
        block = documents.block_with(section, row.source_excerpt) if section else None
        topic.missed.append(
            Missed(
                round_number=row.round_number,
                stem=row.stem,
                chosen=row.chosen,
                correct=row.correct,
                passage=documents.block_html(block, row.source_excerpt) if block else None,
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
    and of the right ones (in the version's order): three plain queries, whatever the number."""
    rows = db.execute(
        quiz_ops.with_topic(
            sa.select(
                Response.id,
                Response.question_version_id,
                Round.number,
                Topic.key,
                QuestionVersion.stem,
                QuestionVersion.source_excerpt,
            ).join(Round, Round.id == Response.round_id)
        )
        .where(Round.assignment_id == assignment.id, Response.is_correct.is_(False))
        .order_by(Round.number, Response.id)
    ).all()
    chosen_ids: dict[int, set[int]] = {}
    for response_id, choice_id in db.execute(
        sa.select(ResponseChoice.response_id, ResponseChoice.choice_id).where(
            ResponseChoice.response_id.in_([r[0] for r in rows])
        )
    ):
        chosen_ids.setdefault(response_id, set()).add(choice_id)
    choices: dict[int, list[tuple[int, str, bool]]] = {}
    for version_id, choice_id, text, is_correct in db.execute(
        sa.select(Choice.version_id, Choice.id, Choice.text, Choice.is_correct)
        .where(Choice.version_id.in_(sorted({r[1] for r in rows})))
        .order_by(Choice.version_id, Choice.position)
    ):
        choices.setdefault(version_id, []).append((choice_id, text, is_correct))
    missed = []
    for response_id, version_id, number, topic, stem, excerpt in rows:
        picked = chosen_ids.get(response_id, set())
        options = choices.get(version_id, [])
        missed.append(
            _MissedRow(
                round_number=number,
                topic=topic,
                stem=stem,
                source_excerpt=excerpt,
                chosen=[text for choice_id, text, _ in options if choice_id in picked],
                correct=[text for _, text, is_correct in options if is_correct],
            )
        )
    return missed
