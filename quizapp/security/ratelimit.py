"""Rate limits, shared across workers through Redis when QUIZAPP_RATELIMIT_STORAGE_URI names one."""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter


def client_address() -> str:
    """The client's address, as seen through the trusted proxies (ProxyFix) if any."""
    return request.remote_addr or "unknown"


def login_account_key() -> str:
    """The account a login attempt names, so one account is throttled whatever the address."""
    email = (request.form.get("email") or "").strip().lower()
    return f"account:{email}"


limiter = Limiter(key_func=client_address, default_limits=[], headers_enabled=True)
