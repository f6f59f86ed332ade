"""Helpers for tests: posting forms the way a browser does, recording SQL statements."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

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
def recorded_statements(engine: sa.Engine) -> Iterator[list[str]]:
    """Every SQL statement ``engine`` sends inside the ``with`` block, in order."""
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement.lstrip())

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
