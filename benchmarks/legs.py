"""One leg of the benchmark: a database engine, its cohort, the app and both ceilings under wrk."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from benchmarks import ceilings, cohort, sessions, timings
from benchmarks.databases import SECRET_KEY, database, engine_for
from benchmarks.report import HELLO, INSERT, Measure, Report, Row
from benchmarks.servers import serving
from benchmarks.wrk import Load, Result, Target, run
from quizapp.models import Response

#: Staff members whose pages wrk asks for (each signs in once; scrypt is slow on purpose).
STAFF_SIGN_INS = 4
WARMUP_SECONDS = 2


def _row(
    engine: str,
    key: str,
    label: str,
    result: Result,
    ceiling: str | None,
    paired: Result | None = None,
    note: str = "",
) -> Row:
    return Row(
        engine=engine,
        key=key,
        label=label,
        rps=result.rps,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        ceiling=ceiling,
        ceiling_rps=paired.rps if paired else None,
        ceiling_p50_ms=paired.p50_ms if paired else None,
        ceiling_p99_ms=paired.p99_ms if paired else None,
        errors=result.errors,
        wraps=result.wraps,
        note=note,
    )


def interleave(groups: list[list[Target]]) -> list[Target]:
    """First of every group, then second of every group...: neighbouring requests (sent at the
    same moment by different connections) belong to different patients, and each patient's
    requests stay in order."""
    out = []
    for n in range(max((len(g) for g in groups), default=0)):
        out.extend(g[n] for g in groups if n < len(g))
    return out


def run_leg(
    engine_name: str, size: cohort.Size, load: Load, folder: Path, say: Callable[[str], None]
) -> Report:
    """Everything measured on one engine, as a partial report."""
    report = Report()

    def measure(key: str, label: str, value: float | None, unit: str, detail: str = "") -> None:
        report.measures.append(Measure(engine_name, key, label, value, unit, detail))
        shown = "pending" if value is None else f"{value:.2f} {unit}"
        say(f"  {label}: {shown} {detail}")

    with database(engine_name, folder) as db:
        say(f"[{engine_name}] generating the cohort ({size.patients:,} patients)")
        with engine_for(db.url) as engine:
            seconds, made = timings.timed(lambda: cohort.generate(engine, size, SECRET_KEY))
            settle(engine, say)
        assert isinstance(made, cohort.Cohort)
        counts = ", ".join(f"{k} {v:,}" for k, v in made.counts.items())
        measure("generate", "generate the cohort", seconds, "s", counts)
        report.meta[f"cohort_{engine_name}"] = made.counts

        app = sessions.in_process_app(db.url)
        try:
            say(f"[{engine_name}] signing in {len(made.open_patients)} patients and the staff")
            started = time.perf_counter()
            patients = [sessions.sign_in_patient(app, p) for p in made.open_patients]
            educators = made.educator_emails[:STAFF_SIGN_INS]
            staff = {email: sessions.sign_in_staff(app, email) for email in educators}
            say(f"  signed in in {time.perf_counter() - started:.1f} s")
            dashboard, summary = timings.query_counts(app, made)
            for page, counts in (("dashboard", dashboard), ("summary", summary)):
                measure(
                    f"{page}_queries",
                    f"{page}: distinct query counts",
                    len(set(counts.values())),
                    "",
                    ", ".join(f"{k}: {v}" for k, v in counts.items()),
                )
            value, detail = timings.item_statistics_seconds(app)
            measure("item_stats", "item statistics, whole cohort", value, "s", detail)
        finally:
            sessions.dispose(app)

        say(f"[{engine_name}] the app and both ceilings under gunicorn")
        ceiling_url = db.url
        if engine_name == "sqlite":
            ceiling_url = f"sqlite:///{folder / 'ceiling.db'}"
        ceilings.create_table(ceiling_url)
        with (
            serving("benchmarks.ceilings:hello_app()", db.url, "/") as hello,
            serving("benchmarks.ceilings:insert_app()", ceiling_url, "/") as insert,
        ):
            hello_targets = [Target("GET", "/", sessions.hello_cookie(hello.base))]
            insert_targets = [Target("POST", "/", "", f"value=row-{n}") for n in range(1000)]
            run(hello.base, hello_targets, load, WARMUP_SECONDS)
            run(insert.base, insert_targets, load, WARMUP_SECONDS)

            def ceiling(kind: str) -> Result:
                """The ceiling measured right before the page it is compared with."""
                if kind == HELLO:
                    return run(hello.base, hello_targets, load)
                return run(insert.base, insert_targets, load)

            _app_rows(report, engine_name, db.url, load, patients, staff, made, measure, ceiling)

        say(f"[{engine_name}] bank import of 1,000 questions")
        seconds, output = timings.import_seconds(db.url, folder)
        measure("import_1000", "bank import, 1,000 questions (CLI)", seconds, "s", output)
    return report


def settle(engine: sa.Engine, say: Callable[[str], None] = print) -> None:
    """PostgreSQL: bring the freshly generated cohort to the state of a database in service
    before anything is measured: VACUUM (ANALYZE) does what autovacuum would have done by now
    (statistics for the planner; hint bits and the visibility map, which the first reads of 1.8
    million new rows would otherwise set, dirtying every page, during the measured runs), and a
    CHECKPOINT writes out the load's dirty pages now rather than in the middle of a run (and
    every page's first change after a checkpoint logs the whole page). Without it, a run could
    land on that work: the PostgreSQL ceilings themselves were 40-60% slower in such runs."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM (ANALYZE)")
        try:
            conn.exec_driver_sql("CHECKPOINT")  # superuser or pg_checkpoint only
        except sa.exc.DBAPIError as exc:
            say(f"  no CHECKPOINT before the runs ({type(exc.orig).__name__}): runs may meet one")


def _app_rows(report, engine_name, url, load, patients, staff, made, measure, ceiling) -> None:
    """Question page, dashboard, answers and summaries on one server, each right after a run of
    its ceiling (so both see the same machine load); then the workers' memory."""
    questions = interleave(
        [
            [Target("GET", s.question_path(pos), s.cookie) for pos, _v, _c in s.patient.items]
            for s in patients
        ]
    )
    answers = interleave(
        [
            [
                Target("POST", s.question_path(pos), s.cookie, s.answer_body(choice, version))
                for pos, version, choice in s.patient.items
            ]
            for s in patients
        ]
    )
    dashboards = []
    for cookie in staff.values():
        pages = [f"/educator/?page={n}" for n in range(1, 21)]
        pages += ["/educator/?status=needs_discussion", "/educator/?status=ready"]
        pages += ["/educator/?status=in_progress", "/educator/?q=smith", "/educator/?q=b00001"]
        dashboards.append([Target("GET", p, cookie) for p in pages])
    dashboards = interleave(dashboards)
    summaries = interleave(
        [
            [Target("GET", f"/educator/patients/{pid}", cookie) for pid in made.patient_ids[email]]
            for email, cookie in staff.items()
        ]
    )

    def measured(key, label, targets, kind, note="", warm=True, once=False) -> Result:
        if warm:
            run(server.base, targets, load, WARMUP_SECONDS)
        paired = ceiling(kind)
        seconds = load.seconds
        if once:  # short enough that the targets last at the ceiling's rate
            seconds = max(2, min(seconds, int(len(targets) / max(paired.rps, 1))))
        result = run(server.base, targets, load, seconds, once=once)
        report.rows.append(_row(engine_name, key, label, result, kind, paired, note))
        return result

    with serving("wsgi:app", url, "/healthz") as server:
        measured("question_get", "question page (GET)", questions, HELLO)
        measured("dashboard", "educator dashboard", dashboards, HELLO)
        before = _responses(url)
        # Each new answer is sent once, in a run short enough for the items to last (a run that
        # ran out would end early; see benchmarks/lua/targets.lua).
        result = measured(
            "answer_post", "answer (POST, new)", answers, INSERT, warm=False, once=True
        )
        stored = _responses(url) - before
        report.rows[-1].note = (
            f"{stored:,} answers stored of {len(answers):,} items, each sent once, "
            f"in {result.seconds:.1f} s"
        )
        note = "the same answers sent again: nothing stored"
        measured("answer_again", "answer (POST, already given)", answers, INSERT, note, False)
        note = "each view also writes an audit row"
        measured("summary", "patient summary", summaries, INSERT, note, warm=False)
        # The same two pages with one connection per worker: response time without the wait
        # behind other requests that 8 connections on 2 workers add (no ceiling at these settings).
        calm = Load(threads=load.threads, connections=2, seconds=load.seconds)
        for key, label, targets in (
            ("dashboard_c2", "educator dashboard, 2 conn.", dashboards),
            ("summary_c2", "patient summary, 2 conn.", summaries),
        ):
            result = run(server.base, targets, calm)
            report.rows.append(_row(engine_name, key, label, result, None))
        rss = server.worker_rss_mb()
        measure(
            "worker_rss",
            "worker RSS after load (largest)",
            max(rss),
            "MB",
            "workers: " + ", ".join(f"{r:.0f} MB" for r in rss),
        )


def _responses(url: str) -> int:
    """Answers stored, once the workers have finished the requests wrk left them (it stops
    without waiting for their answers). An item answered twice stops the benchmark: the unique
    index forbids it, so it means a broken database (it caught a trial that released SQLite's file
    locks). Both counts are one statement: one snapshot, whatever still commits."""
    items = sa.select(Response.round_id, Response.question_version_id).distinct().subquery()
    counts = sa.select(
        sa.select(sa.func.count(Response.id)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(items).scalar_subquery(),
    )
    seen = None
    with engine_for(url) as engine, engine.connect() as conn:
        for _ in range(20):  # until nothing more is stored (at most 2 s)
            total, answered = conn.execute(counts).one()
            conn.rollback()
            if total == seen:
                break
            seen = total
            time.sleep(0.1)
    if answered != total:
        raise RuntimeError(f"{total - answered} items were answered twice")
    return total
