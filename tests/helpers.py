"""Helpers for tests: posting forms the way a browser does, recording SQL statements."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import event

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token in a rendered page."""
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, page: str | None = None, **kwargs):
    """GET ``page`` (default ``url``) for its CSRF token, then POST ``data`` to ``url``."""
    token = csrf_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


@contextmanager
def recording(engine: sa.Engine, item: Callable[[sa.Connection, str], Any]) -> Iterator[list]:
    """``item(connection, statement)`` for every SQL statement ``engine`` sends inside the block,
    in order, where it is not None."""
    seen: list = []

    def on_execute(conn, _cursor, statement, *_args) -> None:
        found = item(conn, statement.lstrip())
        if found is not None:
            seen.append(found)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def recorded_statements(engine: sa.Engine):
    """Every SQL statement ``engine`` sends inside the ``with`` block, in order."""
    return recording(engine, lambda _conn, statement: statement)


def recorded_autocommit(engine: sa.Engine):
    """(first word, ran in autocommit?) of every statement ``engine`` sends inside the block."""

    def verb_and_mode(conn: sa.Connection, statement: str) -> tuple[str, bool]:
        autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        return statement.split()[0].upper(), autocommit

    return recording(engine, verb_and_mode)
