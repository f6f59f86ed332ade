"""What every page renders the same way, worked out once per worker instead of on every page.

- ``csrf_token()``: Flask-WTF signs the session's CSRF token again on every page (an HMAC and a
  key derivation). Tokens carry no time limit here (``WTF_CSRF_TIME_LIMIT = None``: the session's
  own timeouts bound them), so the signed form of a session's token never changes: it is kept.
  Validation is Flask-WTF's own, unchanged.
- ``site_links()`` and ``page_url(endpoint, **values)``: links within the site are built by
  ``url_for`` once per worker and script root, then remembered: the layouts' fixed links (the
  stylesheet, the brand, "Sign out", "My page") as one object, other links (a patient's reading,
  the next question) one by one (the last ``LINKS_REMEMBERED``). A relative link depends on
  nothing else (the app has no ``url_defaults``). Options such as ``_external`` (which depend on
  the request's host) are never remembered.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request, session, url_for
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer

#: Flask-WTF's names: the session key of the raw token and the salt it signs with.
FIELD = "csrf_token"
SALT = "wtf-csrf-token"


@functools.lru_cache(maxsize=8192)
def _signed(secret_key: str, raw: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps(raw)


def _secret() -> str:
    return current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key


def _keep_token() -> None:
    """Put the session's kept token where Flask-WTF looks first (``g``), so the CSRF field of a
    form a view builds carries it too. A session's first page (no raw token yet) is left to
    Flask-WTF."""
    if FIELD not in g:
        raw = session.get(FIELD)
        if isinstance(raw, str):
            setattr(g, FIELD, _signed(_secret(), raw))


def csrf_token() -> str:
    """The session's CSRF token, signed; the same value Flask-WTF's ``generate_csrf`` gives."""
    _keep_token()
    return g.get(FIELD) or generate_csrf()  # a new session: Flask-WTF makes the raw token


#: Links a worker remembers (each a short string).
LINKS_REMEMBERED = 4096
#: Types of the values of a remembered link (exact types: ``True`` is an int).
_REMEMBERED_TYPES = (int, str)


@functools.lru_cache(maxsize=LINKS_REMEMBERED)
def _link(script_root: str, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
    return url_for(endpoint, **dict(values))


def page_url(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)``, remembered: see the module. Only a full endpoint name
    with values that are exactly ints or strings is remembered (a relative ``.endpoint`` depends
    on the request's blueprint, ``True`` equals ``1``, a list is not hashable): anything else is
    built afresh."""
    if endpoint.startswith(".") or not all(
        type(value) in _REMEMBERED_TYPES and not key.startswith("_")
        for key, value in values.items()
    ):
        return url_for(endpoint, **values)
    return _link(request.script_root, endpoint, tuple(sorted(values.items())))


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """The links every layout shows."""

    stylesheet: str
    brand: str
    sign_out: str
    patient_home: str


@functools.lru_cache(maxsize=16)
def _site_links(script_root: str) -> SiteLinks:
    return SiteLinks(
        stylesheet=url_for("static", filename="css/app.css"),
        brand=url_for("auth.index"),
        sign_out=url_for("auth.logout"),
        patient_home=url_for("patient.home"),
    )


def site_links() -> SiteLinks:
    """The layouts' links under this request's script root (one call per page)."""
    return _site_links(request.script_root)


def init_app(app: Flask) -> None:
    """Offer all three to templates. ``csrf_token()`` replaces Flask-WTF's, which it offers
    through a context processor: this one runs after it, so its value wins. Before each view, the
    kept token is put where Flask-WTF's forms look for it."""
    app.jinja_env.globals["site_links"] = site_links
    app.jinja_env.globals["page_url"] = page_url
    if app.config.get("WTF_CSRF_TIME_LIMIT") is None:
        offered = {FIELD: csrf_token}
        app.context_processor(lambda: offered)
        app.before_request(_keep_token)  # before a view builds a form, which signs its token
