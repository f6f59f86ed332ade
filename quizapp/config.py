"""Configuration in layers: class defaults, then the environment, then a mapping from the caller."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Values that are never accepted as a secret key outside debug and testing.
KNOWN_WEAK_KEYS = {"dev", "secret", "changeme", "change-me", "development", "test", "password"}
MIN_SECRET_KEY_LENGTH = 32

SECRET_KEY_HELP = (  # nosec B105 - advice text, not a password
    "Set SECRET_KEY to a long random value, for example:\n"
    "  export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')\n"
    "or write one to instance/secret_key (`make run` does this for you)."
)


class ConfigError(RuntimeError):
    """The configuration is not safe or not usable; the message says how to fix it."""


class Config:
    """Defaults. An environment variable of the same name overrides any ``QUIZAPP_*`` key."""

    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # filled in from the instance folder when unset
    TESTING = False
    DEBUG = False

    SESSION_COOKIE_NAME = "quizapp_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = None  # the session's own timeouts bound a token's life
    WTF_CSRF_CHECK_DEFAULT = False  # checked by the app's own hook (quizapp.security.csrf)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    #: "production" refuses debug mode and weak keys; anything else is treated as development.
    QUIZAPP_ENV = "development"
    #: Set to 1 behind HTTPS: Secure cookies and HSTS.
    QUIZAPP_HTTPS = False
    #: Seconds of inactivity after which a session ends.
    QUIZAPP_IDLE_TIMEOUT = 30 * 60
    #: Seconds after login after which a session ends whatever the activity.
    QUIZAPP_ABSOLUTE_TIMEOUT = 12 * 60 * 60
    #: Days an access code stays valid after it is issued.
    QUIZAPP_ACCESS_CODE_DAYS = 30
    #: Flask-Limiter storage: memory:// for one process, redis://host:port/0 for several workers.
    QUIZAPP_RATELIMIT_STORAGE_URI = "memory://"
    QUIZAPP_RATELIMIT_ENABLED = True
    #: Limits on the login form, per client address and per account.
    QUIZAPP_LOGIN_LIMIT = "10 per minute"
    QUIZAPP_LOGIN_ACCOUNT_LIMIT = "5 per minute;20 per hour"
    #: Limit on access-code attempts per client address.
    QUIZAPP_CODE_LIMIT = "10 per minute;50 per hour"
    #: Number of proxies in front of the app whose X-Forwarded-For is trusted (0 = none).
    QUIZAPP_TRUSTED_PROXIES = 0
    #: Address printed on the patient's access slip.
    QUIZAPP_PUBLIC_URL = "http://127.0.0.1:5000"
    QUIZAPP_SQL_ECHO = False


def _coerce(value: str, default: Any) -> Any:
    """Turn an environment string into the type of the default it replaces."""
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError as exc:
            raise ConfigError(f"expected a whole number, got {value!r}") from exc
    return value


def load_config(
    instance_path: str,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build the settings dict: class defaults, then the environment, then ``overrides``."""
    environ = os.environ if environ is None else environ
    settings = {key: getattr(Config, key) for key in dir(Config) if key.isupper()}
    for key, default in list(settings.items()):
        if key.startswith("QUIZAPP_") and key in environ:
            try:
                settings[key] = _coerce(environ[key], default)
            except ConfigError as exc:
                raise ConfigError(f"{key}: {exc}") from None
    for key in ("DATABASE_URL", "SECRET_KEY"):
        if environ.get(key):
            settings[key] = environ[key]
    if environ.get("FLASK_DEBUG"):
        # `flask --debug run` (and FLASK_DEBUG=1) starts the interactive debugger, which runs any
        # code a visitor types: check_safe must see it, as Flask's own get_debug_flag() reads it.
        settings["DEBUG"] = environ["FLASK_DEBUG"].strip().lower() not in {"0", "false", "no"}
    settings.update(overrides or {})

    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = "sqlite:///" + str(Path(instance_path) / "quizapp.db")
    if not settings["SECRET_KEY"]:
        key_file = Path(instance_path) / "secret_key"
        if key_file.is_file():
            settings["SECRET_KEY"] = key_file.read_text(encoding="utf-8").strip()
    settings["SESSION_COOKIE_SECURE"] = (
        bool(settings["QUIZAPP_HTTPS"]) or settings["SESSION_COOKIE_SECURE"]
    )
    settings["RATELIMIT_STORAGE_URI"] = settings["QUIZAPP_RATELIMIT_STORAGE_URI"]
    settings["RATELIMIT_ENABLED"] = settings["QUIZAPP_RATELIMIT_ENABLED"]
    return settings


def check_safe(settings: Mapping[str, Any]) -> None:
    """Refuse settings that must never reach production; raise ConfigError saying what to change."""
    if settings.get("TESTING"):
        return
    production = settings.get("QUIZAPP_ENV") == "production"
    if production and settings.get("DEBUG"):
        raise ConfigError(
            "Debug mode is on with QUIZAPP_ENV=production. Unset FLASK_DEBUG (or --debug) to start."
        )
    if settings.get("DEBUG"):
        return
    key = settings.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in KNOWN_WEAK_KEYS or len(set(key)) < 8:
        raise ConfigError(
            f"SECRET_KEY is missing or weak (use {MIN_SECRET_KEY_LENGTH}+ random characters).\n"
            + SECRET_KEY_HELP
        )
