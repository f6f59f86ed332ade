"""CSRF: Flask-WTF's tokens and check, run only for the methods it checks.

Flask-WTF's own hook (turned off by ``WTF_CSRF_CHECK_DEFAULT = False``) looks up the view's
exemptions before it looks at the method, on every GET too. The hook here calls the same check,
``protect(apply_exemptions=True)``, for POST, PUT, PATCH and DELETE (``WTF_CSRF_METHODS``) only.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def _check_csrf() -> None:
    config = current_app.config
    if config["WTF_CSRF_ENABLED"] and request.method in config["WTF_CSRF_METHODS"]:
        csrf.protect(apply_exemptions=True)


def init_app(app: Flask) -> None:
    """Flask-WTF on the app, and its check before each request, where Flask-WTF's would run."""
    csrf.init_app(app)
    app.before_request(_check_csrf)
