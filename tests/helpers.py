"""Helpers for tests that post forms the way a browser does."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

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
