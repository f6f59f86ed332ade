"""The benchmark's own databases: an SQLite file in a temporary folder, or a PostgreSQL database
made for the run on 127.0.0.1:5432 (trust auth) and dropped afterwards. Migrated with the real
``flask --app wsgi db upgrade``."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from quizapp.db import make_engine
from quizapp.paths import ROOT

BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get(
    "QUIZAPP_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ENGINES = ("sqlite", "postgresql")
#: One key per benchmark run: the servers, the CLI and the data generator must agree on it.
SECRET_KEY = os.environ.get("QUIZAPP_BENCH_SECRET_KEY") or secrets.token_hex(32)


@dataclass(frozen=True)
class Database:
    engine_name: str
    url: str
    folder: Path


def app_env(database_url: str, secret_key: str = SECRET_KEY, **extra: str) -> dict[str, str]:
    """Environment of a production-like app process (server or CLI) on ``database_url``; the
    reliability tests start theirs with it too."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZAPP_", "FLASK_"))}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        QUIZAPP_ENV="production",
        QUIZAPP_RATELIMIT_ENABLED="0",  # every simulated visitor comes from 127.0.0.1
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def flask_cli(database_url: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``flask --app wsgi ARGS`` in a fresh process; raise with its output when it fails."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=app_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


@contextmanager
def database(engine_name: str, folder: Path, name: str = "app") -> Iterator[Database]:
    """An empty database of ``engine_name``, migrated to head; removed afterwards."""
    if engine_name == "sqlite":
        url = f"sqlite:///{folder / (name + '.db')}"
        flask_cli(url, "db", "upgrade")
        yield Database(engine_name, url, folder)
        return
    with postgres_database() as url:
        flask_cli(url, "db", "upgrade")
        yield Database(engine_name, url, folder)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; dropped (connections and all) afterwards."""
    dbname = f"quizapp_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
        try:
            yield (
                sa.make_url(PG_ADMIN_URL).set(database=dbname).render_as_string(hide_password=False)
            )
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    finally:
        admin.dispose()


@contextmanager
def engine_for(url: str) -> Iterator[sa.Engine]:
    """The app's own kind of engine on ``url`` (same SQLite pragmas), disposed afterwards."""
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
