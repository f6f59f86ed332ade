"""The signed session cookie, its signature checked once per worker rather than on every request.

Flask checks a session cookie in full on every request: it builds a serializer, decodes and
decompresses the value, computes the signer's key and the signature (two HMACs) and parses the
JSON; on the question page that was about a tenth of a worker's CPU. A browser sends the same
cookie with every request until the session changes. So each worker remembers, for the last
``COOKIES_REMEMBERED`` cookies whose signature it checked, what they hold and when they were
signed: the same cookie again (byte for byte) is only checked for age, as itsdangerous checks
it, and its contents copied for the request. Anything else (another cookie, a changed byte, a
bad signature, which is never remembered) is checked in full. What was checked with one set of
secret keys is never taken for another (a new key checks afresh).
"""

from __future__ import annotations

import functools
import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: Checked cookies a worker remembers (each a few hundred bytes and a small dict).
COOKIES_REMEMBERED = 2048


class CheckedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions (the same cookies, keys and rules), each cookie's
    signature checked once per worker (see the module)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, built once per set of secret keys."""
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        found = self._serializers.get(keys)
        if found is None:
            found = super().get_signing_serializer(app)
            if found is not None:
                self._serializers[keys] = found
        return found

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            data, signed_at = _checked(serializer, value)
        except BadSignature:
            return self.session_class()
        # As itsdangerous checks max_age: not older than the lifetime, not from the future.
        age = int(time.time()) - signed_at
        if age < 0 or age > int(app.permanent_session_lifetime.total_seconds()):
            return self.session_class()
        return self.session_class(_copy(data))


@functools.lru_cache(maxsize=COOKIES_REMEMBERED)
def _checked(serializer: URLSafeTimedSerializer, value: str) -> tuple[Any, int]:
    """What a cookie holds and when it was signed (Unix time), its signature checked; raises
    BadSignature (never remembered) when it does not hold."""
    data, signed_at = serializer.loads(value, return_timestamp=True)
    return data, int(signed_at.timestamp())


def _copy(value: Any) -> Any:
    """A copy of a cookie's contents that a request may change (Flask's flash() appends to the
    list it stores) without changing what is remembered."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value
