"""Security headers on every response."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/", "/login", "/start", "/healthz", "/missing"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # only behind HTTPS


@pytest.mark.parametrize("app_config", [{"QUIZAPP_HTTPS": True}])
def test_https_adds_hsts_and_secure_cookies(client):
    response = client.get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert (
        "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    )


def test_static_files_may_be_cached(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert response.headers.get("Cache-Control") != "no-store"


def test_a_view_that_sets_a_header_itself_keeps_its_own_value(app):
    @app.get("/test-own-headers")
    def own_headers():
        return "x", {"Content-Security-Policy": "sandbox", "Cache-Control": "private, max-age=60"}

    headers = app.test_client().get("/test-own-headers").headers
    assert headers.getlist("Content-Security-Policy") == ["sandbox"]
    assert headers.getlist("Cache-Control") == ["private, max-age=60"]
    assert headers["X-Frame-Options"] == "DENY"  # the others are still added
