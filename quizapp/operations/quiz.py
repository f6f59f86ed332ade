"""A patient's way through an assignment: rounds, answers and results.

Every function here is safe to call twice with the same input (back button, refresh, double click,
two tabs): the second call finds what the first one stored and changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, raiseload, selectinload

from quizapp.domain import kinds, teach_to_goal
from quizapp.driver_statements import DriverStatement
from quizapp.models import (
    Assignment,
    AuditEvent,
    Bank,
    Choice,
    Document,
    Patient,
    Question,
    QuestionStatus,
    QuestionVersion,
    Response,
    ResponseChoice,
    Round,
    RoundItem,
    Topic,
    utcnow,
)
from quizapp.operations import audit
from quizapp.version_cache import CachedVersion


class QuizError(Exception):
    """The action does not fit the quiz's state; the message is for the patient."""


class RoundClosed(QuizError):
    pass


class SignedOut(Exception):
    """The patient's session ended (signed out elsewhere, a new access code) before the answer
    was stored: nothing was."""


@dataclass
class Progress:
    """Where a patient stands in an assignment."""

    assignment: Assignment
    #: Topics that count: those with approved questions, or already answered.
    topics: list[Topic]
    rounds: list[Round]
    results: list[teach_to_goal.TopicResult]
    answered_version_ids_by_round: dict[int, set[int]]
    #: Keys of the bank's topics that a round may ask (with an approved question).
    askable: frozenset[str] = frozenset()

    @property
    def open_round(self) -> Round | None:
        return next((r for r in self.rounds if r.finished_at is None), None)

    @property
    def last_round(self) -> Round | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def ready(self) -> bool:
        return teach_to_goal.is_ready(self.results)

    def topic(self, key: str) -> Topic:
        return next(t for t in self.topics if t.key == key)

    def next_item(self, round_: Round) -> RoundItem | None:
        answered = self.answered_version_ids_by_round.get(round_.id, set())
        return next((i for i in round_.items if i.question_version_id not in answered), None)


def candidates(db: Session, bank_id: int) -> list[teach_to_goal.Candidate]:
    """Approved questions of a bank, each with its newest version."""
    newest = (
        sa.select(QuestionVersion.question_id, sa.func.max(QuestionVersion.number).label("number"))
        .group_by(QuestionVersion.question_id)
        .subquery()
    )
    rows = db.execute(
        sa.select(Question.id, QuestionVersion.id, Topic.key)
        .join(Topic, Topic.id == Question.topic_id)
        .join(newest, newest.c.question_id == Question.id)
        .join(
            QuestionVersion,
            (QuestionVersion.question_id == Question.id)
            & (QuestionVersion.number == newest.c.number),
        )
        .where(Question.bank_id == bank_id, Question.status == QuestionStatus.APPROVED)
    ).all()
    return [teach_to_goal.Candidate(q, v, t) for q, v, t in rows]


def with_topic(query: sa.Select) -> sa.Select:
    """Join a query over Response to the answered version's question and its topic."""
    return (
        query.join(QuestionVersion, QuestionVersion.id == Response.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Topic, Topic.id == Question.topic_id)
    )


#: A bank's topics in order, each with whether it has an approved question (with a version: what
#: candidates() returns), in bound ``bank_id``. "Has one" as a LIMIT 1 lookup on the topic's
#: questions (indexed), not EXISTS: PostgreSQL turns an EXISTS in the select list into a hash of
#: every approved question of every bank.
_TOPICS_ASKABLE = (
    sa.select(
        Topic,
        sa.select(Question.id)
        .where(
            Question.topic_id == Topic.id,
            Question.bank_id == Topic.bank_id,
            Question.status == QuestionStatus.APPROVED,
            sa.exists().where(QuestionVersion.question_id == Question.id),
        )
        .limit(1)
        .scalar_subquery()
        .is_not(None)
        .label("askable"),
    )
    .where(Topic.bank_id == sa.bindparam("bank_id"))
    .order_by(Topic.position)
)


#: The rounds of bound ``assignment_id`` in order, with their questions, or refusing to load them.
_ROUNDS_OF = (
    sa.select(Round)
    .where(Round.assignment_id == sa.bindparam("assignment_id"))
    .order_by(Round.number)
)
_ROUNDS_WITH_ITEMS = _ROUNDS_OF.options(selectinload(Round.items))
_ROUNDS = _ROUNDS_OF.options(raiseload(Round.items))

#: Every answer of bound ``assignment_id``: (round number, round id, topic key, question id,
#: version id, right or not). Run on the driver (every summary and quiz page reads it).
_RUN_ANSWERS = DriverStatement(
    with_topic(
        sa.select(
            Round.number,
            Round.id,
            Topic.key,
            Question.id,
            Response.question_version_id,
            Response.is_correct,
        ).join(Response, Response.round_id == Round.id)
    ).where(Round.assignment_id == sa.bindparam("assignment_id"))
)


def progress(db: Session, assignment: Assignment, with_items: bool = True) -> Progress:
    """Load an assignment's rounds and answers and compute its topic results. Pages that only
    show results pass ``with_items=False``: the rounds' questions are not loaded (``next_item``
    needs them; reading them then raises, rather than loading them round by round)."""
    # The bank's topics, each with whether a round may ask it (as candidates() would find), in
    # one statement.
    topic_rows = db.execute(_TOPICS_ASKABLE, {"bank_id": assignment.bank_id}).all()
    topics = [topic for topic, _ in topic_rows]
    askable = frozenset(topic.key for topic, can_ask in topic_rows if can_ask)
    rounds = list(
        db.scalars(_ROUNDS_WITH_ITEMS if with_items else _ROUNDS, {"assignment_id": assignment.id})
    )
    db.flush()  # as an ORM query would autoflush: the driver statement sees what is pending
    rows = _RUN_ANSWERS.all(db, {"assignment_id": assignment.id})
    answered: dict[int, set[int]] = {}
    answers = []
    for number, round_id, topic, question_id, version_id, correct in rows:
        answered.setdefault(round_id, set()).add(version_id)
        answers.append(teach_to_goal.Answer(number, topic, question_id, correct))
    answered_topics = {a.topic for a in answers}
    counted = [t for t in topics if t.key in askable or t.key in answered_topics]
    return Progress(
        assignment=assignment,
        topics=counted,
        rounds=rounds,
        results=teach_to_goal.results([t.key for t in counted], answers),
        answered_version_ids_by_round=answered,
        askable=askable,
    )


def _lock(db: Session, model: type, row_id: int) -> None:
    """Serialize concurrent changes to one row (PostgreSQL; SQLite writers already queue)."""
    db.execute(sa.select(model.id).where(model.id == row_id).with_for_update())


def start_round(db: Session, assignment: Assignment) -> tuple[Round, bool]:
    """Open the next round, or return the round already open. Returns (round, created).
    Round 1 asks every topic; later rounds ask only topics not yet mastered, preferring questions
    not seen before."""
    _lock(db, Assignment, assignment.id)
    db.refresh(assignment)
    state = progress(db, assignment)
    if state.open_round is not None:
        return state.open_round, False
    if assignment.completed_at is not None:
        raise QuizError("You have finished this quiz.")
    if len(state.rounds) >= assignment.max_rounds:
        raise QuizError("You have used all the tries for this quiz.")
    pool = candidates(db, assignment.bank_id)
    askable = state.askable
    if not state.rounds:
        topics = [t.key for t in state.topics if t.key in askable]
    else:
        topics = [t for t in teach_to_goal.unmastered(state.results) if t in askable]
    seen = {a for r in state.rounds for a in _question_ids(db, r)}
    number = len(state.rounds) + 1
    rng = random.Random(f"{assignment.seed}:round:{number}")
    plan = teach_to_goal.plan_round(pool, topics, assignment.questions_per_topic, seen, rng)
    if not plan:
        raise QuizError("This quiz has no questions yet. Please tell your educator.")
    round_ = Round(assignment=assignment, number=number)
    round_.items = [
        RoundItem(position=n, question_version_id=c.version_id) for n, c in enumerate(plan)
    ]
    db.add(round_)
    assignment.last_activity_at = utcnow()
    db.flush()
    return round_, True


def _question_ids(db: Session, round_: Round) -> list[int]:
    return list(
        db.scalars(
            sa.select(QuestionVersion.question_id)
            .join(RoundItem, RoundItem.question_version_id == QuestionVersion.id)
            .where(RoundItem.round_id == round_.id)
        )
    )


_rounds, _responses = Round.__table__, Response.__table__
_ROUND_FINISHED_AT = sa.select(_rounds.c.finished_at).where(
    _rounds.c.id == sa.bindparam("round_id")
)
_RESPONSE_ID = sa.select(_responses.c.id).where(
    _responses.c.round_id == sa.bindparam("round_id"),
    _responses.c.question_version_id == sa.bindparam("version_id"),
)


def answer_insert(
    insert: Any, round_id: sa.ColumnElement[int], round_open: sa.ColumnElement[bool]
) -> Any:
    """The answer, stored only while its round is open and only once: INSERT ... SELECT
    ``round_id`` WHERE ``round_open`` ... ON CONFLICT DO NOTHING RETURNING id, with ``insert``
    the engine's own (PostgreSQL's or SQLite's, for ON CONFLICT). Parameters: ``version_id``,
    ``is_correct``, ``now``. No row back: the round is closed (or gone), or the question was
    answered already."""
    return (
        insert(_responses)
        .from_select(
            ["round_id", "question_version_id", "is_correct", "answered_at"],
            sa.select(
                round_id,
                sa.bindparam("version_id", type_=_responses.c.question_version_id.type),
                sa.bindparam("is_correct", type_=_responses.c.is_correct.type),
                sa.bindparam("now", type_=_responses.c.answered_at.type),
            ).where(round_open),
        )
        .on_conflict_do_nothing(index_elements=["round_id", "question_version_id"])
        .returning(_responses.c.id)
    )


#: The patient ``patient_id`` is signed in with the session token ``token``.
_SESSION_CURRENT = sa.exists().where(
    Patient.id == sa.bindparam("patient_id"), Patient.session_token == sa.bindparam("token")
)
#: The answer to a question of the round ``round_id``, in each engine's dialect, only while the
#: patient's session is current: a sign-out that commits after the page's sign-in check and
#: before this statement leaves it storing nothing.
_INSERT_RESPONSE = {
    name: answer_insert(
        insert,
        _rounds.c.id,
        sa.and_(
            _rounds.c.id == sa.bindparam("round_id"),
            _rounds.c.finished_at.is_(None),
            _SESSION_CURRENT,
        ),
    )
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_INSERT_CHOICES = sa.insert(ResponseChoice.__table__).values(
    response_id=sa.bindparam("response_id"), choice_id=sa.bindparam("choice_id")
)
_TOUCH_ASSIGNMENT = (
    sa.update(Assignment.__table__)
    .where(Assignment.__table__.c.id == sa.bindparam("assignment_id"))
    .values(last_activity_at=sa.bindparam("now"))
)


def answer_writes(
    answer: sa.CTE, audit_target: sa.ColumnElement[str] | None = None
) -> tuple[sa.CTE, sa.CTE, sa.CTE]:
    """PostgreSQL: what goes with the answer ``answer`` (a WITH query inserting it and returning
    its id) when it went in: its choices (``choice_ids``), the assignment's last activity
    (``assignment_id``, ``now``) and the audit event (``audit_*`` parameters; its target from
    ``audit_target`` when given). Three data-modifying WITH queries, to add to a statement."""
    choices = sa.insert(ResponseChoice.__table__).from_select(
        ["response_id", "choice_id"],
        sa.select(
            answer.c.id,
            sa.func.unnest(sa.bindparam("choice_ids", type_=postgresql.ARRAY(sa.Integer))),
        ),
    )
    touch = _TOUCH_ASSIGNMENT.where(sa.exists(sa.select(answer.c.id)))
    audit_table = AuditEvent.__table__
    values: dict[str, sa.ColumnElement] = {
        name: sa.bindparam(f"audit_{name}", type_=audit_table.c[name].type)
        for name in audit.COLUMNS
    }
    if audit_target is not None:
        values["target"] = audit_target
    audited = sa.insert(audit_table).from_select(
        list(audit.COLUMNS), sa.select(*values.values()).select_from(answer)
    )
    return choices.cte("answer_choices"), touch.cte("touched"), audited.cte("audited")


def _one_statement_answer() -> sa.Select:
    """PostgreSQL: the answer, its choices, the assignment's last activity and the audit event in
    one statement (data-modifying WITH queries), each of the last three only when the answer went
    in. One statement is atomic on its own: it runs without BEGIN and COMMIT, one round trip where
    the four writes in a transaction take six."""
    answer = _INSERT_RESPONSE["postgresql"].cte("answer")
    return sa.select(answer.c.id).add_cte(*answer_writes(answer))


def graded(version: CachedVersion, chosen_ids: list[int]) -> tuple[list[int], bool]:
    """The chosen ids that are choices of ``version`` (sorted), and whether they make a valid
    answer: at least one, and only one for a one-answer question."""
    chosen = sorted(set(chosen_ids) & set(version.choice_ids))
    valid = bool(chosen) and (kinds.KINDS[version.kind].input_type != "radio" or len(chosen) == 1)
    return chosen, valid


def answer_values(
    version: CachedVersion, chosen: list[int], audit_event: dict[str, Any]
) -> dict[str, Any]:
    """The parameters of the answer's writes on either engine: the answer, its choices and its
    audit event (see ``answer_writes``), but for the round, assignment and session."""
    values = {
        "version_id": version.id,
        "is_correct": kinds.grade(chosen, version.correct_ids),
        "now": utcnow(),
        "choice_ids": chosen,
    }
    return values | {f"audit_{name}": audit_event[name] for name in audit.COLUMNS}


#: The answer's writes run on the driver's cursor (see quizapp.driver_statements): on SQLite,
#: inside the write lock, SQLAlchemy's work per statement was most of the time the lock was held.
_RUN_ANSWER_IN_ONE = DriverStatement(_one_statement_answer())
_RUN_INSERT_RESPONSE = {name: DriverStatement(s) for name, s in _INSERT_RESPONSE.items()}
_RUN_INSERT_CHOICES = DriverStatement(_INSERT_CHOICES)
_RUN_TOUCH_ASSIGNMENT = DriverStatement(_TOUCH_ASSIGNMENT)


def record_answer(
    db: Session | sa.Connection,
    round_id: int,
    assignment_id: int,
    version: CachedVersion,
    chosen_ids: list[int],
    audit_event: dict[str, Any],
    session: tuple[int, str],
) -> tuple[int, bool]:
    """Store the answer to ``version`` in round ``round_id``, with ``audit_event`` (from
    quizapp.operations.audit.event) when it is stored, while ``session`` (patient id, session
    token) is still current. Returns (response id, created). An item already answered keeps its
    first answer (created is False); a session no longer current refuses with SignedOut, a
    finished round with RoundClosed; no choice, or two for a one-answer question, is a QuizError.

    The busiest write in the app, so it is lean: statements built once and run on the driver's
    cursor (quizapp.driver_statements), no ORM objects. The answer goes in only from an open
    round and with ON CONFLICT DO NOTHING, in one statement: a second copy (a double click)
    inserts nothing. No lock is needed against a round being finished meanwhile: a round
    finishes only once every question in it has an answer, so while this one has none it cannot
    finish, and once it has one a second insert does nothing. On PostgreSQL all four writes are
    one statement (see ``_one_statement_answer``), which the caller may run outside a
    transaction; on SQLite they are four, in the caller's transaction. The answer page passes
    its connection (it needs no ORM session)."""
    conn = db.connection() if isinstance(db, Session) else db
    chosen, valid = graded(version, chosen_ids)
    current = {"patient_id": session[0], "token": session[1]}
    if valid:
        values = answer_values(version, chosen, audit_event) | current
        values |= {"round_id": round_id, "assignment_id": assignment_id}
        if conn.dialect.name == "postgresql":
            response_id = _RUN_ANSWER_IN_ONE.scalar(conn, values)
            if response_id is not None:
                audit.log_written(audit_event)
                return response_id, True
        else:
            response_id = _RUN_INSERT_RESPONSE[conn.dialect.name].scalar(conn, values)
            if response_id is not None:
                _RUN_INSERT_CHOICES.execute_many(
                    conn, [{"response_id": response_id, "choice_id": c} for c in chosen]
                )
                _RUN_TOUCH_ASSIGNMENT.execute(conn, values)
                audit.write(conn, audit_event)
                return response_id, True
    # Not stored. Signed out meanwhile: nothing more. An answer given before stands (a double
    # click, or another request a moment ago); else say why: the round is over, or the choice is
    # not a valid answer.
    if not conn.execute(sa.select(_SESSION_CURRENT), current).scalar():
        raise SignedOut()
    existing = conn.execute(_RESPONSE_ID, {"round_id": round_id, "version_id": version.id})
    response_id = existing.scalar()
    if response_id is not None:
        return response_id, False
    if conn.execute(_ROUND_FINISHED_AT, {"round_id": round_id}).scalar() is not None or valid:
        raise RoundClosed(
            "This round is over, so this answer was not saved. Your other answers are safe."
        )
    raise QuizError("Please choose an answer." if not chosen else "Please choose only one answer.")


_OUTCOME = (
    sa.select(Response.is_correct, ResponseChoice.choice_id)
    .join(ResponseChoice, ResponseChoice.response_id == Response.id)
    .where(Response.id == sa.bindparam("response_id"))
)
_DOCUMENT_BODY = (
    sa.select(Document.body)
    .join(Bank, Bank.document_id == Document.id)
    .join(Assignment, Assignment.bank_id == Bank.id)
    .where(Assignment.id == sa.bindparam("assignment_id"))
)


def response_outcome(db: Session | sa.Connection, response_id: int) -> tuple[bool, set[int]]:
    """Whether a stored answer was right, and the choice ids it picked. (The feedback page, after
    every answer, runs it on the request's connection: plain columns, no ORM work.)"""
    rows = db.execute(_OUTCOME, {"response_id": response_id}).all()
    return bool(rows and rows[0][0]), {choice_id for _, choice_id in rows}


def document_body(db: Session | sa.Connection, assignment_id: int) -> str:
    """The text of the document an assignment's bank is drawn from."""
    return db.execute(_DOCUMENT_BODY, {"assignment_id": assignment_id}).scalar_one()


def finish_round(db: Session, round_: Round) -> bool:
    """Close a round once every question is answered; complete the assignment when every topic is
    mastered or no rounds are left. Finishing a finished round changes nothing. Returns whether
    this call closed it (False when another request had already)."""
    _lock(db, Round, round_.id)
    db.refresh(round_)
    if round_.finished_at is not None:
        return False
    assignment = round_.assignment
    state = progress(db, assignment)
    if state.next_item(round_) is not None:
        raise QuizError("Please answer every question in this round first.")
    now = utcnow()
    round_.finished_at = now
    assignment.last_activity_at = now
    if state.ready or round_.number >= assignment.max_rounds:
        assignment.completed_at = now
        assignment.ready = state.ready
    db.flush()
    return True


def chosen_choices(response: Response, version: QuestionVersion) -> list[Choice]:
    """The choices a response picked, in the version's order."""
    ids = {rc.choice_id for rc in response.chosen}
    return [c for c in version.choices if c.id in ids]


def mark_reading(db: Session, assignment: Assignment) -> None:
    """Remember when the patient first opened the document."""
    if assignment.started_reading_at is None:
        assignment.started_reading_at = utcnow()
        assignment.last_activity_at = assignment.last_activity_at or assignment.started_reading_at
        db.flush()
