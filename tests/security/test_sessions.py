"""Session cookies: flags on every cookie the app sets, a new session at every sign-in (a cookie
planted beforehand is worthless afterwards), a patient's session ending with the browser, and
nothing personal inside the cookie (it is signed, not encrypted: anyone holding it can read it)."""

from __future__ import annotations

import json

import pytest
from flask.sessions import SecureCookieSessionInterface

from quizapp import create_app
from tests.conftest import base_config
from tests.helpers import post_form


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def sign_in(app, role: str, make_user, make_patient, issue_code):
    """A fresh client that has just signed in as ``role``; returns (client, sign-in response)."""
    client = app.test_client()
    if role == "patient":
        patient = make_patient(name="Pat Private", mrn="MRN-SECRET-77")
        code = issue_code(patient)
        return client, post_form(client, "/start", {"code": code}), code
    user = make_user(role)
    form = {"email": user.email, "password": "correct horse battery"}
    return client, post_form(client, "/login", form), ""


@pytest.mark.parametrize("app_config", [{}, {"QUIZAPP_HTTPS": True}], ids=["http", "https"])
@pytest.mark.parametrize("role", ["educator", "patient"])
def test_every_cookie_is_httponly_lax_and_secure_behind_https(
    app, app_config, make_user, make_patient, issue_code, role
):
    https = bool(app_config)
    client = app.test_client()
    first = client.get("/login" if role != "patient" else "/start")
    _client, signed_in, _code = sign_in(app, role, make_user, make_patient, issue_code)
    cookies = set_cookies(first) + set_cookies(signed_in)
    assert cookies and all(c.startswith("quizapp_session=") for c in cookies), cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is https
        assert "Expires=" not in cookie and "Max-Age=" not in cookie  # ends with the browser


@pytest.mark.parametrize("role", ["educator", "patient"])
def test_a_cookie_planted_before_sign_in_is_worthless_after_it(
    app, make_user, make_patient, issue_code, role
):
    attacker = app.test_client()
    attacker.get("/start")
    planted = attacker.get_cookie("quizapp_session").value
    victim = app.test_client()
    victim.set_cookie("quizapp_session", planted)
    home = "/learn/" if role == "patient" else "/educator/"
    if role == "patient":
        code = issue_code(make_patient())
        assert post_form(victim, "/start", {"code": code}).status_code == 302
    else:
        user = make_user(role)
        form = {"email": user.email, "password": "correct horse battery"}
        assert post_form(victim, "/login", form).status_code == 302
    assert victim.get(home).status_code == 200
    assert victim.get_cookie("quizapp_session").value != planted
    assert attacker.get(home).status_code == 302  # the planted cookie did not become a session


def test_the_cookie_holds_no_name_mrn_or_code(app, make_user, make_patient, issue_code):
    client, _response, code = sign_in(app, "patient", make_user, make_patient, issue_code)
    client.get("/learn/")
    serializer = app.session_interface.get_signing_serializer(app)
    content = json.dumps(serializer.loads(client.get_cookie("quizapp_session").value))
    for secret in ("Pat Private", "MRN-SECRET-77", code, code.replace("-", "")):
        assert secret not in content


@pytest.mark.parametrize("role", ["educator", "patient"])
def test_a_signed_in_cookie_is_small_and_opens_with_flasks_own_reader(
    app, make_user, make_patient, issue_code, role
):
    client, _response, _code = sign_in(app, role, make_user, make_patient, issue_code)
    value = client.get_cookie("quizapp_session").value
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    content = flasks.loads(value)  # a cookie any Flask app with the key can read
    assert content["_user_id"].startswith(f"{'patient' if role == 'patient' else 'staff'}:")
    assert "_id" not in content  # Flask-Login's unused browser fingerprint is not kept
    assert "_permanent" not in content  # ends with the browser (see the flags test)
    assert len(value) < 300 and not value.startswith(".")  # small: sent uncompressed


def test_flask_login_fingerprints_no_browser(app, make_user, make_patient, issue_code, monkeypatch):
    """Its session protection is off: the fingerprint (a hash per request) is never made."""

    def refuse(*_args: object) -> str:
        raise AssertionError("the browser was fingerprinted")

    monkeypatch.setattr("flask_login.utils.sha512", refuse)  # what its fingerprint hashes with
    client, signed_in, _code = sign_in(app, "patient", make_user, make_patient, issue_code)
    assert signed_in.status_code == 302
    assert client.get("/learn/").status_code == 200


@pytest.mark.parametrize("mode", ["basic", "strong"])
def test_flask_logins_session_protection_is_refused_at_start(database_url, mode):
    """It would compare each session's browser fingerprint, which is not kept, and end them all."""
    with pytest.raises(RuntimeError, match="SESSION_PROTECTION is not supported"):
        create_app(base_config(database_url) | {"SESSION_PROTECTION": mode})
