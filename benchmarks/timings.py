"""Measurements that are not wrk runs: queries per page, item statistics, bank import, and
``make run`` from start to first response."""

from __future__ import annotations

import math
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from benchmarks import bankgen
from benchmarks.cohort import Cohort
from benchmarks.databases import BIN, app_env, flask_cli
from benchmarks.servers import HOST, free_port, wait_for
from benchmarks.sessions import staff_client
from quizapp import db
from quizapp.educator.queries import PER_PAGE
from quizapp.models import Assignment, Bank, Patient
from quizapp.paths import ROOT


def count_statements(app: Flask, client: FlaskClient, path: str) -> int:
    """How many SQL statements one GET of ``path`` runs (sign-in check included)."""
    engine = db.state(app).engine
    statements: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        status = client.get(path).status_code
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    if status != 200:
        raise RuntimeError(f"{path} answered {status} while counting queries")
    return len(statements)


def query_counts(app: Flask, cohort: Cohort) -> tuple[dict[str, int], dict[str, int]]:
    """Statements per dashboard and summary page, over pages that differ in size and content."""
    email = cohort.educator_emails[0]
    educator = staff_client(app, email)
    admin = staff_client(app, cohort.admin_email)
    last_page = math.ceil(len(cohort.patient_ids[email]) / PER_PAGE)
    dashboard = {
        "educator page 1": count_statements(app, educator, "/educator/"),
        # The educator's last page, which may be short. (A page past the end is an old link: it
        # costs a count to find the last page, and no dashboard link leads there.)
        "educator last page": count_statements(app, educator, f"/educator/?page={last_page}"),
        "educator needs discussion": count_statements(
            app, educator, "/educator/?status=needs_discussion"
        ),
        "educator search": count_statements(app, educator, "/educator/?q=smith"),
        "admin, every patient": count_statements(app, admin, "/educator/"),
    }
    with app.app_context():
        session = db.session()
        mine = sa.select(Patient.id).join(Assignment, Assignment.patient_id == Patient.id)
        mine = mine.where(Patient.educator_id == _user_id(session, email))
        ready = session.scalar(mine.where(Assignment.ready.is_(True)).limit(1))
        discuss = session.scalar(mine.where(Assignment.ready.is_(False)).limit(1))
        open_ = session.scalar(mine.where(Assignment.completed_at.is_(None)).limit(1))
    summary = {}
    for label, patient_id in (("ready", ready), ("needs discussion", discuss), ("open", open_)):
        if patient_id is not None:
            path = f"/educator/patients/{patient_id}"
            summary[f"{label} patient"] = count_statements(app, educator, path)
    return dashboard, summary


def _user_id(session: sa.orm.Session, email: str) -> int:
    return session.scalar(sa.text("SELECT id FROM users WHERE email = :e"), {"e": email})


def item_statistics_seconds(app: Flask) -> tuple[float | None, str]:
    """Median of three runs of the admin's item statistics over the bundled bank, or None with
    the reason when the app has no item-statistics function yet."""
    try:
        from quizapp.admin.stats_query import item_statistics
    except ImportError:
        return None, "pending: the app has no item-statistics function yet"
    with app.app_context():
        session = db.session()
        bank_id = session.scalar(
            sa.select(Bank.id).where(Bank.slug == "salvage-prostate-cryoablation")
        )
        runs = []
        rows = 0
        for _ in range(3):
            started = time.perf_counter()
            rows = len(item_statistics(session, bank_id))
            runs.append(time.perf_counter() - started)
            session.rollback()
    detail = f"median of 3 ({', '.join(f'{r:.2f}' for r in runs)} s); {rows} versions"
    return statistics.median(runs), detail


def import_seconds(database_url: str, folder: Path, questions: int = 1000) -> tuple[float, str]:
    """Wall time of ``flask --app wsgi bank import`` of a synthetic bank (a fresh process)."""
    bank_dir = folder / "synthetic-bank"
    bankgen.write(bank_dir, questions)
    started = time.perf_counter()
    done = flask_cli(database_url, "bank", "import", str(bank_dir))
    seconds = time.perf_counter() - started
    return seconds, done.stdout.strip().splitlines()[-1]


def make_run_seconds(timeout: float = 180) -> tuple[float, str]:
    """``make run`` from start to the first 200 from /login, on a new SQLite database in a
    temporary folder (DATABASE_URL and SECRET_KEY set, so the developer's instance/ is untouched;
    make is told the venv and instance/secret_key are up to date)."""
    folder = Path(tempfile.mkdtemp(prefix="quizapp-make-run-"))
    port = free_port()
    env = app_env(f"sqlite:///{folder / 'quizapp.db'}", QUIZAPP_ENV="development")
    env["PATH"] = f"{BIN}:{env.get('PATH', '')}"
    command = ["make", "-o", ".venv/.run-deps", "-o", "instance/secret_key", "run", f"PORT={port}"]
    log = folder / "make-run.log"
    with log.open("w") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            answered = wait_for(f"http://{HOST}:{port}/login", timeout, process)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{log.read_text()[-3000:]}") from None
        finally:
            _stop_group(process)
    text = log.read_text()
    shutil.rmtree(folder, ignore_errors=True)
    steps = sum(1 for line in text.splitlines() if "flask --app wsgi" in line)
    return answered - started, f"{steps} make steps, new SQLite database"


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value
