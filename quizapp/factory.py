"""The application factory."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from quizapp import cli, db, errors, health, render_cache, requests
from quizapp.config import check_safe, load_config
from quizapp.paths import INSTANCE, STATIC, TEMPLATES
from quizapp.security import csrf, headers, sessions
from quizapp.security.ratelimit import limiter
from quizapp.version_cache import VersionCache

#: Functions whose sync check is remembered (the app registers about a hundred views and hooks).
SYNC_CACHE_SIZE = 1024


class QuizApp(Flask):
    """Flask, remembering which views and hooks need no async adapter. Flask asks ``inspect`` on
    every call of every hook and view (a dozen a request); the answer never changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        found = self._sync.get(func)
        if found is None:
            found = super().ensure_sync(func)
            if len(self._sync) < SYNC_CACHE_SIZE:  # views and hooks; not per-request callables
                self._sync[func] = found
        return found


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, CLI and error pages. Nothing else."""
    app = QuizApp(
        __name__,
        instance_path=str(INSTANCE),
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
    )
    app.config.from_mapping(load_config(app.instance_path, config))
    if app.debug or app.config["DEBUG"]:
        app.config["DEBUG"] = True
    check_safe(app.config)
    if not app.config["SECRET_KEY"]:  # debug or testing only: check_safe refuses it otherwise
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        logging.getLogger(__name__).warning("no SECRET_KEY set: using a temporary one")
    if app.config["QUIZAPP_TRUSTED_PROXIES"]:
        hops = app.config["QUIZAPP_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    db.init_app(app)
    app.extensions["quizapp.versions"] = VersionCache()  # immutable rows, kept per worker
    # First: its BEGIN choice must precede every query, the sign-in check's included (the CSRF
    # and rate-limit checks run before the view, and their error pages show who is signed in).
    requests.init_app(app)
    csrf.init_app(app)
    render_cache.init_app(app)  # after csrf: its csrf_token() replaces Flask-WTF's
    limiter.init_app(app)
    sessions.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from quizapp.admin import bp as admin_bp
    from quizapp.auth import bp as auth_bp
    from quizapp.educator import bp as educator_bp
    from quizapp.interop import bp as fhir_bp
    from quizapp.patient import bp as patient_bp

    app.register_blueprint(health.bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(patient_bp)
    app.register_blueprint(educator_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(fhir_bp)
