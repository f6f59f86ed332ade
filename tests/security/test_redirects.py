"""Open redirects beyond the login form's ``next`` (whose table is in tests/auth/test_login.py, and
whose every GET route is swept in test_header_sweep.py): the "sign in again" round trip of
sensitive staff pages, which comes back to the page named by the Referer header."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from quizapp.security import sessions
from tests.helpers import csrf_from
from tests.security.world import browser_host

HOSTILE_REFERERS = [
    "https://evil.example/admin/staff",
    "http://localhost//evil.example/",
    "http://localhost/\\evil.example",
    "http://localhost////evil.example",
    "http://localhost/%2F%2Fevil.example",
    "javascript:alert(1)",
    "http://localhost/\t/evil.example",
]


@pytest.mark.parametrize("referer", HOSTILE_REFERERS)
def test_signing_in_again_never_comes_back_to_another_host(
    client, make_user, login, monkeypatch, referer
):
    admin = make_user("admin")
    login(client, admin)
    token = csrf_from(client.get("/admin/").get_data(as_text=True))
    later = time.time() + 600  # too old for staff changes (5 min), not idle (30 min)
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    sent = client.post(
        "/admin/staff/new",
        data={"csrf_token": token, "email": "new@example.org"},
        headers={"Referer": referer},
    )
    assert sent.status_code == 302 and browser_host(sent.headers["Location"]) == "localhost"
    assert "For your safety, please sign in again" in client.get("/login").get_data(True)
    back = parse_qs(urlsplit(sent.headers["Location"]).query).get("next", ["/"])[0]
    again = login(client, admin, next=back)
    assert again.status_code == 302 and browser_host(again.headers["Location"]) == "localhost"
