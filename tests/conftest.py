"""Shared fixtures: an app per test on SQLite and on PostgreSQL, clients, factories, helpers.

Every test that asks for ``app`` (or anything built on it) runs twice: once on a fresh SQLite file
copied from a migrated template, once on a PostgreSQL database made for this run (127.0.0.1:5432,
trust auth), emptied after each test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient

from quizapp import create_app, db
from quizapp.migrate import alembic_config
from quizapp.models import Base, Patient, User
from quizapp.operations import patients as patient_ops
from quizapp.operations import users as user_ops
from tests.helpers import post_form
from tests.patient.quizdriver import post_button, resume

SECRET = "test-secret-key-" + "0123456789abcdef" * 3
PASSWORD = "correct horse battery"
PG_ADMIN_URL = os.environ.get(
    "QUIZAPP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


def base_config(url: str) -> dict:
    """Settings of a test app on the database at ``url``."""
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "DATABASE_URL": url,
        "QUIZAPP_RATELIMIT_STORAGE_URI": "memory://",
    }


def migrate(url: str) -> None:
    """Upgrade the database at ``url`` to head."""
    app = create_app(base_config(url))
    with app.app_context():
        command.upgrade(alembic_config(app), "head")
    db.dispose(app)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database for this test run, migrated to head and dropped at the end."""
    name = f"quizapp_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    migrate(url)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def empty_postgres(url: str) -> None:
    """Remove every row (the append-only triggers are bypassed for this clean-up only).

    A test that moved the schema (a downgrade) gets it put back at head first.
    """
    engine = sa.create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.connect() as conn:
        at_head = set(Base.metadata.tables) <= set(sa.inspect(conn).get_table_names())
    if not at_head:
        migrate(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database: SQLite in one run of the test, PostgreSQL in the other.
    (A test about one engine only parametrizes this fixture indirectly with that engine.)"""
    if request.param == "sqlite":
        path = tmp_path / "quizapp.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        yield url
        empty_postgres(url)


@pytest.fixture
def app_config() -> dict:
    """Extra settings a test module can override."""
    return {}


@pytest.fixture
def app(database_url: str, app_config: dict) -> Iterator[Flask]:
    """A test app on an empty migrated database."""
    application = create_app({**base_config(database_url), **app_config})
    yield application
    db.dispose(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def dbs(app: Flask) -> Iterator[sa.orm.Session]:
    """A session for arranging and inspecting data, outside any request and app context.

    On SQLite it runs each statement in autocommit mode (no BEGIN), so the test always reads what
    the app under test has committed and never holds a lock while a request runs.
    """
    token = db.begin_mode.set("")
    session = db.state(app).sessionmaker()
    yield session
    session.close()
    db.begin_mode.reset(token)


@pytest.fixture
def make_user(dbs: sa.orm.Session) -> Callable[..., User]:
    """Factory: a committed staff account."""
    counter = iter(range(1, 10_000))

    def make(role: str = "educator", email: str | None = None, password: str = PASSWORD) -> User:
        email = email or f"{role}{next(counter)}@example.org"
        user = user_ops.create_user(
            dbs, email, role, password, display_name=f"{role.title()} Tester"
        )
        dbs.commit()
        return user

    return make


@pytest.fixture
def make_patient(dbs: sa.orm.Session, make_user: Callable[..., User]) -> Callable[..., Patient]:
    """Factory: a committed patient (with a new educator unless one is given)."""

    def make(
        educator: User | None = None,
        name: str = "Pat Example",
        mrn: str | None = None,
        consult_date: dt.date | None = None,
    ) -> Patient:
        patient = patient_ops.add_patient(
            dbs, educator or make_user("educator"), name, mrn, consult_date
        )
        dbs.commit()
        return patient

    return make


@pytest.fixture
def issue_code(app: Flask, dbs: sa.orm.Session) -> Callable[[Patient], str]:
    """Factory: a fresh access code for a patient."""

    def issue(patient: Patient, days: int = 30) -> str:
        code = patient_ops.issue_code(dbs, patient, app.config["SECRET_KEY"], days)
        dbs.commit()
        return code

    return issue


@pytest.fixture
def login() -> Callable[..., object]:
    """Helper: sign a client in as a staff member."""

    def do_login(client: FlaskClient, user: User, password: str = PASSWORD, next: str = ""):
        return post_form(
            client, "/login", {"email": user.email, "password": password, "next": next}
        )

    return do_login


@pytest.fixture
def enter_code() -> Callable[..., object]:
    """Helper: sign a client in as a patient with an access code."""

    def do_enter(client: FlaskClient, code: str):
        return post_form(client, "/start", {"code": code})

    return do_enter


BUNDLED_BANK = (
    Path(__file__).resolve().parent.parent / "questions" / "salvage-prostate-cryoablation.yaml"
)


@pytest.fixture
def bundled_bank(dbs: sa.orm.Session):
    """The bundled salvage cryoablation bank, imported."""
    from quizapp.domain import bankload
    from quizapp.operations import banks as bank_ops

    loaded = bankload.load(BUNDLED_BANK)
    assert not loaded.errors, loaded.errors
    bank = bank_ops.import_bank(dbs, loaded.specs[0], bank_ops.ImportReport())
    dbs.commit()
    return bank


@pytest.fixture
def make_assignment(dbs: sa.orm.Session, make_patient, bundled_bank):
    """Factory: a patient with the bundled bank assigned."""
    import random

    def make(
        patient: Patient | None = None, per_topic: int = 2, max_rounds: int = 3, seed: int = 7
    ):
        patient = patient or make_patient()
        assignment = patient_ops.assign_bank(
            dbs, patient, bundled_bank, patient.educator, per_topic, max_rounds, random.Random(seed)
        )
        dbs.commit()
        return assignment

    return make


@pytest.fixture
def in_round(app, make_assignment, issue_code, enter_code):
    """A signed-in patient with round 1 started: (client, assignment, first question URL)."""
    assignment = make_assignment()
    client = app.test_client()
    assert enter_code(client, issue_code(assignment.patient)).status_code == 302
    post_button(client, "/learn/", f"/learn/{assignment.id}/rounds")
    return client, assignment, resume(client, assignment.id).headers["Location"]
