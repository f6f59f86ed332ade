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

Writing a cookie (at sign-in, then at most once a minute for the idle timeout, see
quizapp.security.sessions) is Flask's too, with two steps skipped where they change nothing:

- Flask's tagged JSON looks at every value for a type JSON lacks (tuples, bytes, Markup, dates).
  A session holding none (strings, numbers, booleans) is written with the same JSON call,
  untagged: the same bytes.
- itsdangerous compresses every payload with zlib, and uses the result when shorter. For a
  payload under ``COMPRESS_ABOVE`` bytes (a signed-in session is about 200) the few bytes saved
  cost more than they save: zlib sets up and clears about 256 KB of state for each call. Such a
  payload is sent as is; any reader (Flask's own included) opens both forms.
"""

from __future__ import annotations

import functools
import time
import zlib
from typing import Any

from flask import Flask, Request, json
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

#: Checked cookies a worker remembers (each a few hundred bytes and a small dict).
COOKIES_REMEMBERED = 2048
#: Payloads of at most this many bytes (JSON) are not compressed.
COMPRESS_ABOVE = 512
#: Values JSON writes as they are, which Flask's tagged JSON leaves untagged.
_PLAIN_TYPES = (str, int, float, bool, type(None))


class SessionJSON(TaggedJSONSerializer):
    """Flask's tagged JSON, skipping the tags for a session of plain values: the same bytes."""

    def dumps(self, value: Any) -> str:
        if self._untagged(value):
            return json.dumps(value, separators=(",", ":"))  # what super() does after tagging
        return super().dumps(value)

    def _untagged(self, value: Any) -> bool:
        """Whether tagging would leave ``value`` as it is: a dict of plain values (exact types:
        a Markup string is tagged), not one whose only key looks like a tag."""
        if type(value) is not dict:
            return False
        if len(value) == 1 and next(iter(value)) in self.tags:
            return False
        return all(type(v) in _PLAIN_TYPES for v in value.values())


class SessionSerializer(URLSafeTimedSerializer):
    """Flask's session serializer, compressing only payloads over ``COMPRESS_ABOVE`` bytes."""

    def dump_payload(self, obj: Any) -> bytes:
        payload = Serializer.dump_payload(self, obj)  # the JSON, as bytes
        if len(payload) > COMPRESS_ABOVE:
            compressed = zlib.compress(payload)
            if len(compressed) < len(payload) - 1:  # as itsdangerous decides
                return b"." + base64_encode(compressed)
        return base64_encode(payload)


class CheckedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions (the same cookies, keys and rules), each cookie's
    signature checked once per worker, small sessions written faster (see the module)."""

    serializer = SessionJSON()

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer (its keys, salt and signer), as a SessionSerializer, built once per
        set of secret keys."""
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        found = self._serializers.get(keys)
        if found is None:
            flasks = super().get_signing_serializer(app)
            if flasks is None:
                return None
            found = self._serializers[keys] = SessionSerializer(
                flasks.secret_keys,
                salt=flasks.salt,
                serializer=flasks.serializer,
                signer_kwargs=flasks.signer_kwargs,
            )
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
