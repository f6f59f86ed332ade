"""Staff sign-in and sign-out, as a staff member at the browser would notice them."""

from __future__ import annotations

import pytest

from quizapp.security import sessions
from tests.helpers import post_form


def test_login_lands_an_educator_on_their_dashboard(client, make_user, login):
    educator = make_user("educator")
    response = login(client, educator)
    assert response.status_code == 302
    assert response.headers["Location"] == "/educator/"
    assert "My patients" in client.get("/educator/").get_data(as_text=True)


def test_login_lands_an_admin_on_the_admin_overview(client, make_user, login):
    response = login(client, make_user("admin"))
    assert response.headers["Location"] == "/admin/"


@pytest.mark.parametrize("password", ["wrong password here", ""])
def test_wrong_or_missing_password_is_refused_with_a_message(client, make_user, login, password):
    response = login(client, make_user(), password=password)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "do not match" in page or "Enter your password" in page
    assert client.get("/educator/").status_code == 302


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    response = post_form(
        client, "/login", {"email": "nobody@example.org", "password": "whatever it is"}
    )
    assert "do not match an active account" in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client, make_user, login, dbs):
    user = make_user()
    user.is_active = False
    dbs.commit()
    assert login(client, user).status_code == 422


def test_login_starts_a_new_session(client, make_user, login):
    client.get("/login")
    before = client.get_cookie("quizapp_session").value
    login(client, make_user())
    assert client.get_cookie("quizapp_session").value != before


def test_logout_ends_the_session_and_a_replayed_cookie_is_refused(app, client, make_user, login):
    login(client, make_user())
    stolen = client.get_cookie("quizapp_session").value
    page = client.get("/educator/").get_data(as_text=True)
    response = post_form(client, "/logout", {}, page="/educator/")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/educator/").status_code == 302
    attacker = app.test_client()
    attacker.set_cookie("quizapp_session", stolen)
    replay = attacker.get("/educator/")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]
    assert "My patients" in page


def test_password_change_signs_out_other_devices(app, client, make_user, login):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user)
    login(client, user)
    response = post_form(
        client,
        "/account/password",
        {
            "current": "correct horse battery",
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/educator/").status_code == 200  # this browser stays signed in
    assert other_device.get("/educator/").status_code == 302  # the other is signed out
    fresh = app.test_client()
    assert login(fresh, user, password="a brand new passphrase").status_code == 302


@pytest.mark.parametrize(
    "new, confirm, current, message",
    [
        ("short", "short", "correct horse battery", "at least 12"),
        ("a brand new passphrase", "different passphrase", "correct horse battery", "differ"),
        (
            "a brand new passphrase",
            "a brand new passphrase",
            "not my password!!",
            "not your current",
        ),
    ],
)
def test_password_change_errors_are_shown_beside_the_field(
    client, make_user, login, new, confirm, current, message
):
    login(client, make_user())
    response = post_form(
        client, "/account/password", {"current": current, "new": new, "confirm": confirm}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "next_value",
    [
        "//evil.example",
        "////evil.example",
        "\\\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        " //evil.example",
        "http:/evil.example",
        "%2F%2Fevil.example",
        "/\t/evil.example",
    ],
)
def test_next_never_leaves_our_host(client, make_user, login, next_value):
    response = login(client, make_user(), next=next_value)
    location = response.headers["Location"]
    assert location == "/educator/" or (location.startswith("/") and not location.startswith("//"))
    assert "evil" not in location


def test_next_to_a_local_page_is_followed(client, make_user, login):
    response = login(client, make_user(), next="/account/password")
    assert response.headers["Location"] == "/account/password"


def test_idle_timeout_signs_out(client, make_user, login, monkeypatch):
    login(client, make_user())
    now = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now + 31 * 60)
    response = client.get("/educator/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_activity_keeps_the_session_alive_until_the_absolute_limit(
    client, make_user, login, monkeypatch
):
    login(client, make_user())
    start = sessions.time.time()
    for minutes in range(20, 12 * 60, 20):
        monkeypatch.setattr(sessions.time, "time", lambda m=minutes: start + m * 60)
        assert client.get("/educator/").status_code == 200, f"signed out after {minutes} min"
    monkeypatch.setattr(sessions.time, "time", lambda: start + 12 * 3600 + 60)
    assert client.get("/educator/").status_code == 302


@pytest.mark.parametrize("app_config", [{"QUIZAPP_LOGIN_LIMIT": "3 per minute"}])
def test_login_is_rate_limited_per_address(client, make_user, login):
    user = make_user()
    codes = [login(client, user, password="wrong password here").status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    assert "Too many tries" in login(client, user).get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"QUIZAPP_LOGIN_ACCOUNT_LIMIT": "2 per minute"}])
def test_login_is_rate_limited_per_account_across_addresses(app, make_user, login):
    user = make_user()
    for n in range(2):
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        assert login(other, user, password="wrong password here").status_code == 422
    third = app.test_client()
    third.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert login(third, user).status_code == 429
