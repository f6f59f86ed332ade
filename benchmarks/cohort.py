"""A realistic cohort, inserted fast: patients, educators, rounds and answers on the bundled bank.

Rows are built as plain dicts with ids chosen here and written in chunks of 10,000: SQLAlchemy
Core ``insert()`` executemany on SQLite, ``COPY FROM STDIN`` on PostgreSQL (where executemany
took 107 s for the full cohort). Never one ORM object at a time.

The answers follow the app's teach-to-goal rules: round 1 asks every topic, each later round asks
the topics not yet mastered, and a topic is mastered when every answer to it in a round is right.
Most patients finish three rounds (ready, or with topics to discuss); a share of them have their
last round open and unanswered, with an access code, so the load test can walk their questions.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import bankload
from quizapp.models import (
    AccessCode,
    Assignment,
    Bank,
    Choice,
    Patient,
    Question,
    QuestionStatus,
    QuestionVersion,
    Response,
    ResponseChoice,
    Round,
    RoundItem,
    User,
)
from quizapp.models.people import new_session_token
from quizapp.operations import banks as bank_ops
from quizapp.paths import QUESTIONS
from quizapp.security import access_codes
from quizapp.security.passwords import hash_password

BUNDLED_BANK = QUESTIONS / "salvage-prostate-cryoablation.yaml"
#: Password of every generated staff account (benchmark databases only).
STAFF_PASSWORD = "bench-password-2026"  # nosec B105
CHUNK = 10_000
FIRST_NAMES = ("Ann", "Bob", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo")
LAST_NAMES = ("Smith", "Garcia", "Nguyen", "Okafor", "Kowalski", "Haddad", "Brown", "Ito")


@dataclass(frozen=True)
class Size:
    """How big a cohort to make."""

    patients: int = 10_000
    educators: int = 20
    rounds: int = 3
    per_topic: int = 4
    #: Share of patients whose last round is open with no answers yet (the load test's patients:
    #: 15% gives about 25,000 unanswered questions, enough for new answers to last a whole run).
    open_share: float = 0.15


FULL = Size()
QUICK = Size(patients=500, educators=5)


@dataclass(frozen=True)
class OpenPatient:
    """A patient with an open, unanswered round: signs in with ``code``."""

    patient_id: int
    educator_email: str
    assignment_id: int
    round_number: int
    code: str
    #: (position from 1, question version id, id of a choice to send) of every item.
    items: tuple[tuple[int, int, int], ...]


@dataclass
class Cohort:
    """What was made: row counts per table and who can sign in."""

    size: Size
    counts: dict[str, int] = field(default_factory=dict)
    educator_emails: list[str] = field(default_factory=list)
    admin_email: str = ""
    open_patients: list[OpenPatient] = field(default_factory=list)
    #: Ids of some patients per educator email, for the summary page.
    patient_ids: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Bank:
    id: int
    topics: list[str]
    #: Approved question versions of each topic: (question id, version id).
    versions: dict[str, list[tuple[int, int]]]
    correct: dict[int, list[int]]
    wrong: dict[int, list[int]]


def import_bundled_bank(engine: sa.Engine) -> None:
    """The bundled bank, imported the way ``bank import`` does it."""
    loaded = bankload.load(BUNDLED_BANK)
    if loaded.errors:
        raise RuntimeError(f"the bundled bank does not lint: {loaded.errors[0]}")
    with Session(engine) as session:
        bank_ops.import_bank(session, loaded.specs[0], bank_ops.ImportReport())
        session.commit()


def _read_bank(conn: sa.Connection, slug: str) -> _Bank:
    bank_id = conn.scalar(sa.select(Bank.id).where(Bank.slug == slug))
    rows = conn.execute(
        sa.select(Question.id, QuestionVersion.id, Question.topic_id)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .where(Question.bank_id == bank_id, Question.status == QuestionStatus.APPROVED)
        .order_by(Question.id, QuestionVersion.number)
    ).all()
    topic_keys = dict(conn.execute(sa.text("SELECT id, key FROM topics")).all())
    newest: dict[int, tuple[int, int]] = {}
    for question_id, version_id, topic_id in rows:
        newest[question_id] = (version_id, topic_id)
    versions: dict[str, list[tuple[int, int]]] = {}
    for question_id, (version_id, topic_id) in sorted(newest.items()):
        versions.setdefault(topic_keys[topic_id], []).append((question_id, version_id))
    correct: dict[int, list[int]] = {}
    wrong: dict[int, list[int]] = {}
    for choice_id, version_id, is_correct in conn.execute(
        sa.select(Choice.id, Choice.version_id, Choice.is_correct).order_by(Choice.id)
    ):
        (correct if is_correct else wrong).setdefault(version_id, []).append(choice_id)
    topics = [
        key
        for (key,) in conn.execute(
            sa.text("SELECT key FROM topics WHERE bank_id = :b ORDER BY position"), {"b": bank_id}
        )
        if key in versions
    ]
    return _Bank(bank_id, topics, versions, correct, wrong)


def _next_ids(conn: sa.Connection) -> dict[str, int]:
    tables = ("users", "patients", "assignments", "rounds", "round_items", "responses")
    tables += ("access_codes",)
    return {t: (conn.scalar(sa.text(f"SELECT max(id) FROM {t}")) or 0) + 1 for t in tables}  # nosec B608


class _Rows:
    """Rows waiting to be written, per table. Written parents first, between patients, so every
    foreign key holds when a chunk lands."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.pending: dict[sa.Table, list[dict]] = {t: [] for t in _ORDER}
        self.counts: dict[str, int] = {}

    def add(self, table: sa.Table, row: dict) -> None:
        self.pending[table].append(row)

    def maybe_flush(self) -> None:
        if any(len(rows) >= CHUNK for rows in self.pending.values()):
            self.flush()

    def flush(self) -> None:
        for table in _ORDER:
            rows = self.pending[table]
            if rows:
                if self.conn.dialect.name == "postgresql":
                    _copy(self.conn, table, rows)
                else:
                    self.conn.execute(table.insert(), rows)
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
                self.pending[table] = []


def _copy(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """PostgreSQL's COPY FROM STDIN for one chunk: ten times the speed of executemany here
    (200,000 rows: 0.6 s against 5.9 s), in the same transaction."""
    columns = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()
    names = ", ".join(columns)
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # nosec B608
        for row in rows:
            copy.write_row([row[c] for c in columns])
    cursor.close()


_ORDER: list[sa.Table] = [
    User.__table__,
    Patient.__table__,
    AccessCode.__table__,
    Assignment.__table__,
    Round.__table__,
    RoundItem.__table__,
    Response.__table__,
    ResponseChoice.__table__,
]


def generate(engine: sa.Engine, size: Size, secret_key: str, seed: int = 1) -> Cohort:
    """Make the cohort in an empty migrated database (the bundled bank is imported first)."""
    import_bundled_bank(engine)
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cohort = Cohort(size=size)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Foreign-key checks row by row were half the time; SQLite checks the same rows
            # (the same code makes them) with foreign keys on, in the generator's own test.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        bank = _read_bank(conn, "salvage-prostate-cryoablation")
        ids = _next_ids(conn)
        rows = _Rows(conn)
        staff = _staff(rows, ids, size, now, cohort)
        for n in range(size.patients):
            educator_id, email = staff[n % len(staff)]
            _patient(rows, ids, bank, size, rng, now, n, educator_id, email, secret_key, cohort)
            rows.maybe_flush()
        rows.flush()
        if conn.dialect.name == "postgresql":
            for table in ids:
                _bump_sequence(conn, table)
    cohort.counts = dict(rows.counts)
    cohort.counts["educators"] = size.educators
    return cohort


def _bump_sequence(conn: sa.Connection, table: str) -> None:
    """Ids were chosen here, so move the table's sequence past them."""
    conn.execute(
        sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # nosec B608
            f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )
    )


def _take(ids: dict[str, int], table: str) -> int:
    value = ids[table]
    ids[table] = value + 1
    return value


def _staff(
    rows: _Rows, ids: dict[str, int], size: Size, now: dt.datetime, cohort: Cohort
) -> list[tuple[int, str]]:
    password_hash = hash_password(STAFF_PASSWORD)  # one scrypt hash for every account
    staff = []
    accounts = [("bench-admin@example.org", "admin")]
    accounts += [(f"bench-educator{n + 1}@example.org", "educator") for n in range(size.educators)]
    for email, role in accounts:
        user_id = _take(ids, "users")
        rows.add(
            User.__table__,
            {
                "id": user_id,
                "email": email,
                "display_name": email.split("@")[0].replace("-", " ").title(),
                "role": role,
                "password_hash": password_hash,
                "is_active": True,
                "session_token": new_session_token(),
                "created_at": now - dt.timedelta(days=400),
                "last_login_at": None,
            },
        )
        if role == "educator":
            staff.append((user_id, email))
            cohort.educator_emails.append(email)
        else:
            cohort.admin_email = email
    return staff


def _patient(
    rows: _Rows,
    ids: dict[str, int],
    bank: _Bank,
    size: Size,
    rng: random.Random,
    now: dt.datetime,
    n: int,
    educator_id: int,
    email: str,
    secret_key: str,
    cohort: Cohort,
) -> None:
    patient_id = _take(ids, "patients")
    enrolled = now - dt.timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 1440))
    consult = None if rng.random() < 0.1 else (now + dt.timedelta(days=rng.randint(-7, 45))).date()
    rows.add(
        Patient.__table__,
        {
            "id": patient_id,
            "display_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n:05d}",
            "mrn": f"B{n:07d}",
            "consult_date": consult,
            "educator_id": educator_id,
            "session_token": new_session_token(),
            "enrolment_key": None,
            "created_at": enrolled,
        },
    )
    cohort.patient_ids.setdefault(email, []).append(patient_id)
    is_open = rng.random() < size.open_share
    assignment_id = _take(ids, "assignments")
    clock = enrolled + dt.timedelta(hours=rng.randint(1, 48))
    reading = clock
    unmastered = list(bank.topics)
    seen: set[int] = set()
    round_ids = []
    last_items: list[tuple[int, int, int]] = []
    for number in range(1, size.rounds + 1):
        round_id = _take(ids, "rounds")
        round_ids.append(round_id)
        last = number == size.rounds
        round_row = dict(id=round_id, assignment_id=assignment_id, number=number, started_at=clock)
        plan = _plan(bank, unmastered, size.per_topic, seen, rng)
        for position, (_topic, _question_id, version_id) in enumerate(plan):
            rows.add(
                RoundItem.__table__,
                {
                    "id": _take(ids, "round_items"),
                    "round_id": round_id,
                    "position": position,
                    "question_version_id": version_id,
                },
            )
        if last and is_open:
            rows.add(Round.__table__, {**round_row, "finished_at": None})
            last_items = [
                (p + 1, v, (bank.correct.get(v) or bank.wrong[v])[0])
                for p, (_t, _q, v) in enumerate(plan)
            ]
            break
        # which of the asked topics get mastered this round: at least one stays for later
        # rounds before the last, and each has a fair chance in the last
        if last:
            mastered = {t for t in unmastered if rng.random() < 0.7}
        else:
            keep = max(1, len(unmastered) - rng.choice((0, 1, 1, 2)))
            mastered = set(rng.sample(unmastered, len(unmastered) - keep))
        wrong_at = _wrong_positions(plan, mastered, rng)
        for position, (_topic, question_id, version_id) in enumerate(plan):
            seen.add(question_id)
            clock += dt.timedelta(seconds=rng.randint(15, 90))
            right = position not in wrong_at
            response_id = _take(ids, "responses")
            rows.add(
                Response.__table__,
                {
                    "id": response_id,
                    "round_id": round_id,
                    "question_version_id": version_id,
                    "is_correct": right,
                    "answered_at": clock,
                },
            )
            picks = bank.correct[version_id] if right else [rng.choice(bank.wrong[version_id])]
            for choice_id in picks:
                rows.add(
                    ResponseChoice.__table__, {"response_id": response_id, "choice_id": choice_id}
                )
        clock += dt.timedelta(seconds=20)
        rows.add(Round.__table__, {**round_row, "finished_at": clock})
        unmastered = [t for t in unmastered if t not in mastered]
        if not unmastered:
            break
        clock += dt.timedelta(minutes=rng.randint(2, 30))
    completed = None if is_open else clock
    rows.add(
        Assignment.__table__,
        {
            "id": assignment_id,
            "patient_id": patient_id,
            "bank_id": bank.id,
            "assigned_by_id": educator_id,
            "questions_per_topic": size.per_topic,
            "max_rounds": size.rounds,
            "seed": rng.randrange(2**31),
            "created_at": enrolled,
            "started_reading_at": reading,
            "completed_at": completed,
            "ready": None if is_open else not unmastered,
            "last_activity_at": clock,
        },
    )
    if is_open:
        code = access_codes.generate_code()
        rows.add(
            AccessCode.__table__,
            {
                "id": _take(ids, "access_codes"),
                "patient_id": patient_id,
                "code_hash": access_codes.code_hash(access_codes.normalize(code) or "", secret_key),
                "created_at": enrolled,
                "expires_at": now + dt.timedelta(days=30),
                "revoked_at": None,
                "created_by_id": educator_id,
            },
        )
        cohort.open_patients.append(
            OpenPatient(patient_id, email, assignment_id, len(round_ids), code, tuple(last_items))
        )


def _plan(
    bank: _Bank, topics: list[str], per_topic: int, seen: set[int], rng: random.Random
) -> list[tuple[str, int, int]]:
    """Questions of a round, as the app plans them: fresh ones first, ``per_topic`` per topic."""
    plan = []
    for topic in topics:
        pool = bank.versions[topic]
        fresh = [q for q in pool if q[0] not in seen]
        again = [q for q in pool if q[0] in seen]
        rng.shuffle(fresh)
        rng.shuffle(again)
        plan.extend((topic, q, v) for q, v in (fresh + again)[:per_topic])
    return plan


def _wrong_positions(
    plan: list[tuple[str, int, int]], mastered: set[str], rng: random.Random
) -> set[int]:
    """One or two wrong answers in every topic not mastered this round."""
    wrong: set[int] = set()
    by_topic: dict[str, list[int]] = {}
    for position, (topic, _q, _v) in enumerate(plan):
        by_topic.setdefault(topic, []).append(position)
    for topic, positions in by_topic.items():
        if topic not in mastered:
            wrong.update(rng.sample(positions, min(len(positions), rng.choice((1, 1, 2)))))
    return wrong
