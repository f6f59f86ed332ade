"""Many patients answering at once against a real server, and the checks made afterwards.

Every loop is bounded twice: by a deadline and by a number of steps.
"""

from __future__ import annotations

import http.client
import queue
import random
import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from quizapp.models import Assignment, Base, Response, ResponseChoice, Round, RoundItem
from tests.reliability.visitor import Answer, Journey, Visitor, enter_code

#: Steps (one answer, finish or new round each) a simulated patient takes at most.
MAX_STEPS_PER_THREAD = 600
#: Errors a connection can raise while the server is down (killed and restarting).
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


@dataclass(frozen=True)
class Enrolled:
    assignment_id: int
    code: str


@dataclass
class LoadResult:
    answers: list[Answer] = field(default_factory=list)
    finishes: list[tuple[int, int]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    #: (time, text) of every request that failed at the connection level.
    connection_errors: list[tuple[float, str]] = field(default_factory=list)
    #: Anything else that went wrong in a patient thread (a failed assertion, a bad page).
    failures: list[str] = field(default_factory=list)
    #: When each answer was acknowledged (time.monotonic()).
    answered_at: list[float] = field(default_factory=list)
    patients_finished: int = 0

    @property
    def server_errors(self) -> list[int]:
        return [s for s in self.statuses if s >= 500]


def run_load(
    port: int,
    enrolled: list[Enrolled],
    correct: dict[int, bool],
    threads: int,
    seconds: float,
    tolerate_outage: bool = False,
    seed: int = 1,
) -> LoadResult:
    """``threads`` patients answer for ``seconds``; each takes the next enrolled patient when
    done. With ``tolerate_outage`` a refused connection is retried (the server is restarting)."""
    todo: queue.Queue[Enrolled] = queue.Queue()
    for item in enrolled:
        todo.put(item)
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def patient_thread(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        journey: Journey | None = None
        for _step in range(MAX_STEPS_PER_THREAD):
            if time.monotonic() >= deadline:
                break
            try:
                if journey is None or journey.done:
                    if journey is not None:
                        _collect(journey)
                        with lock:
                            result.patients_finished += 1
                    try:
                        item = todo.get_nowait()
                    except queue.Empty:
                        journey = None
                        break
                    journey = Journey(
                        Visitor(port), item.assignment_id, correct, lambda: rng.random() < 0.7
                    )
                    journey.code = item.code
                if not journey.signed_in:
                    # Until the code is accepted; a code entry lost to the outage is typed again,
                    # as a person would (carrying on without the cookie would meet /start).
                    signed_in = enter_code(journey.visitor, journey.code)
                    journey.statuses.append(signed_in.status)
                    assert signed_in.status == 302, f"code refused: {signed_in.status}"
                    journey.signed_in = True
                    continue
                before = len(journey.answers)
                journey.step()
                if len(journey.answers) > before:
                    with lock:
                        result.answered_at.append(time.monotonic())
            except CONNECTION_ERRORS as exc:
                with lock:
                    result.connection_errors.append((time.monotonic(), repr(exc)))
                if not tolerate_outage:
                    break
                time.sleep(0.2)
            except Exception as exc:  # a thread must report, never die silently
                with lock:
                    result.failures.append(repr(exc))
                break
        if journey is not None:
            _collect(journey)

    def _collect(journey: Journey) -> None:
        with lock:
            result.answers.extend(journey.answers)
            result.finishes.extend(journey.finishes)
            result.statuses.extend(journey.statuses)
        journey.answers, journey.finishes, journey.statuses = [], [], []

    workers = [threading.Thread(target=patient_thread, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 120)
    assert not any(w.is_alive() for w in workers), "a patient thread did not stop"
    return result


def stored_answers(dbs: sa.orm.Session) -> dict[tuple[int, int, int], tuple[int, ...]]:
    """(assignment, round number, 1-based position) -> chosen choice ids, for every response."""
    rows = dbs.execute(
        sa.select(Round.assignment_id, Round.number, RoundItem.position, ResponseChoice.choice_id)
        .join(Response, Response.round_id == Round.id)
        .join(
            RoundItem,
            (RoundItem.round_id == Round.id)
            & (RoundItem.question_version_id == Response.question_version_id),
        )
        .join(ResponseChoice, ResponseChoice.response_id == Response.id)
    ).all()
    stored: dict[tuple[int, int, int], list[int]] = {}
    for assignment_id, number, position, choice_id in rows:
        stored.setdefault((assignment_id, number, position + 1), []).append(choice_id)
    return {key: tuple(sorted(ids)) for key, ids in stored.items()}


def check_answers(dbs: sa.orm.Session, result: LoadResult) -> int:
    """Every acknowledged answer is stored once, as sent. Returns how many stored answers were
    never acknowledged (their reply was lost when the server was killed)."""
    acked = {(a.assignment_id, a.round_number, a.position): a.choices for a in result.answers}
    assert len(acked) == len(result.answers), "the server acknowledged one question twice"
    stored = stored_answers(dbs)
    missing = {k: v for k, v in acked.items() if stored.get(k) != v}
    assert not missing, f"{len(missing)} acknowledged answers missing or changed: {missing}"
    responses = dbs.scalar(sa.select(sa.func.count(Response.id)))
    assert responses == len(stored), "a response without its chosen answers"
    return responses - len(acked)


def check_consistent(dbs: sa.orm.Session, result: LoadResult) -> None:
    """The rules the quiz depends on hold for every row, whatever happened to the server."""
    duplicates = dbs.execute(
        sa.select(Response.round_id, Response.question_version_id)
        .group_by(Response.round_id, Response.question_version_id)
        .having(sa.func.count() > 1)
    ).all()
    assert not duplicates, f"duplicate responses: {duplicates}"
    items = (
        sa.select(RoundItem.round_id, sa.func.count().label("n"))
        .group_by(RoundItem.round_id)
        .subquery()
    )
    answered = (
        sa.select(Response.round_id, sa.func.count().label("n"))
        .group_by(Response.round_id)
        .subquery()
    )
    incomplete = dbs.execute(
        sa.select(Round.id, items.c.n, answered.c.n)
        .join(items, items.c.round_id == Round.id)
        .outerjoin(answered, answered.c.round_id == Round.id)
        .where(Round.finished_at.is_not(None))
        .where(sa.func.coalesce(answered.c.n, 0) != items.c.n)
    ).all()
    assert not incomplete, f"finished rounds with answers missing: {incomplete}"
    open_rounds = dbs.execute(
        sa.select(Round.assignment_id)
        .where(Round.finished_at.is_(None))
        .group_by(Round.assignment_id)
        .having(sa.func.count() > 1)
    ).all()
    assert not open_rounds, f"assignments with two open rounds: {open_rounds}"
    unfinished_complete = dbs.scalars(
        sa.select(Assignment.id)
        .join(Round, Round.assignment_id == Assignment.id)
        .where(Assignment.completed_at.is_not(None), Round.finished_at.is_(None))
    ).all()
    assert not unfinished_complete, (
        f"completed assignments with an open round: {unfinished_complete}"
    )
    for assignment_id, number in result.finishes:
        finished = dbs.scalar(
            sa.select(Round.finished_at).where(
                Round.assignment_id == assignment_id, Round.number == number
            )
        )
        assert finished is not None, f"acknowledged finish of round {number} lost"
    assert not orphans(dbs), f"rows pointing at missing rows: {orphans(dbs)}"


def orphans(dbs: sa.orm.Session) -> list[str]:
    """Every foreign key of every table, checked by query: rows whose parent is missing."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            parent = fk.column
            child = fk.parent
            count = dbs.scalar(
                sa.select(sa.func.count())
                .select_from(table)
                .where(child.is_not(None))
                .where(~sa.exists().where(parent == child))
            )
            if count:
                found.append(f"{table.name}.{child.name}: {count}")
    return found


def database_checks(engine_url: str) -> list[str]:
    """The engine's own verdict on the file or the schema: empty when sound."""
    url = sa.make_url(engine_url)
    engine = sa.create_engine(url)
    problems: list[str] = []
    try:
        with engine.connect() as conn:
            if url.get_backend_name() == "sqlite":
                integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
                if integrity != ["ok"]:
                    problems.append(f"integrity_check: {integrity[:5]}")
                problems += [
                    f"foreign_key_check: {r}"
                    for r in conn.exec_driver_sql("PRAGMA foreign_key_check")
                ]
            else:
                problems += [
                    f"constraint not validated: {r[0]}"
                    for r in conn.exec_driver_sql(
                        "SELECT conname FROM pg_constraint c JOIN pg_namespace n "
                        "ON n.oid = c.connamespace WHERE n.nspname = 'public' AND NOT convalidated"
                    )
                ]
                problems += [
                    f"invalid index: {r[0]}"
                    for r in conn.exec_driver_sql(
                        "SELECT indexrelid::regclass::text FROM pg_index i JOIN pg_class c "
                        "ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = 'public' AND NOT (indisvalid AND indisready)"
                    )
                ]
    finally:
        engine.dispose()
    return problems
