"""Sensitive pages want a recent sign-in: the ``fresh_login_required`` decorator.

A session that has been open a while may be a borrowed or unattended browser. Before anyone
changes staff accounts, they type their password again; then they come back where they were.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import flash, redirect, request, session, url_for

from quizapp.security.redirects import safe_next
from quizapp.security.sessions import LOGIN_AT

F = TypeVar("F", bound=Callable[..., Any])

FRESH_MESSAGE = "For your safety, please sign in again to manage staff accounts."


def is_fresh(max_age: int) -> bool:
    """Whether this session signed in at most ``max_age`` seconds ago."""
    login_at = session.get(LOGIN_AT)
    return isinstance(login_at, int) and 0 <= int(time.time()) - login_at <= max_age


def _come_back_to() -> str:
    """Where to return after signing in: this page, or for a form post the page that sent it."""
    if request.method == "GET":
        return safe_next(request.full_path.rstrip("?"), "/")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return "/"
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path, "/")


def fresh_login_required(max_age: int = 300, message: str = FRESH_MESSAGE) -> Callable[[F], F]:
    """Send a signed-in user whose sign-in is older than ``max_age`` seconds to sign in again.

    Put it under ``role_required``, which deals with visitors who are not signed in at all.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not is_fresh(max_age):
                flash(message, "info")
                return redirect(url_for("auth.login", next=_come_back_to()))
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
