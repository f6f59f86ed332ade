"""The session cookie is checked in full once per worker and remembered (see
quizapp.security.session_cookie): what it remembers must never accept a cookie Flask would refuse,
nor carry one request's changes to another request with the same cookie."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from flask import Flask, flash, get_flashed_messages, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup

from quizapp import create_app
from quizapp.security.session_cookie import SessionJSON
from tests.conftest import base_config

#: These tests touch no table: one engine is enough.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
COOKIE = "quizapp_session"
LIFETIME = 60


def _with_test_views(app: Flask) -> Flask:
    @app.get("/test-session/set")
    def set_value() -> str:
        session["n"] = 1
        return "set"

    @app.get("/test-session/get")
    def get_value() -> str:
        return repr(session.get("n"))

    @app.get("/test-session/flash")
    def flash_one() -> str:
        flash("one")
        return "flashed"

    @app.get("/test-session/flashes")
    def flashes() -> str:
        return repr(get_flashed_messages())

    return app


@pytest.fixture
def app_config() -> dict:
    # the cookie's own lifetime, well inside the app's idle and absolute timeouts
    return {
        "PERMANENT_SESSION_LIFETIME": LIFETIME,
        "QUIZAPP_IDLE_TIMEOUT": 100 * LIFETIME,
        "QUIZAPP_ABSOLUTE_TIMEOUT": 100 * LIFETIME,
    }


@pytest.fixture
def views(app: Flask) -> Flask:
    return _with_test_views(app)


def _cookie(client) -> str:
    found = client.get_cookie(COOKIE)
    assert found is not None
    return found.value


def test_the_same_cookie_reads_the_same_session_every_time(views):
    client = views.test_client()
    client.get("/test-session/set")
    for _ in range(3):
        assert client.get("/test-session/get").get_data(as_text=True) == "1"


@pytest.mark.parametrize("shift", [LIFETIME + 5, -(LIFETIME + 5)], ids=["expired", "future"])
def test_a_remembered_cookie_is_refused_once_too_old_or_from_the_future(views, monkeypatch, shift):
    client = views.test_client()
    client.get("/test-session/set")
    assert client.get("/test-session/get").get_data(as_text=True) == "1"  # checked: remembered
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + shift)
    assert client.get("/test-session/get").get_data(as_text=True) == "None"


def test_a_changed_byte_is_refused(views):
    client = views.test_client()
    client.get("/test-session/set")
    value = _cookie(client)
    assert client.get("/test-session/get").get_data(as_text=True) == "1"
    # the signature's first character (its last one has two spare bits: some changes are none)
    signed, _, signature = value.rpartition(".")
    changed = ("A" if signature[0] != "A" else "B") + signature[1:]
    client.set_cookie(COOKIE, f"{signed}.{changed}")
    assert client.get("/test-session/get").get_data(as_text=True) == "None"


def test_a_cookie_checked_under_one_key_is_refused_under_another(views, database_url):
    client = views.test_client()
    client.get("/test-session/set")
    value = _cookie(client)
    assert client.get("/test-session/get").get_data(as_text=True) == "1"
    other = _with_test_views(
        create_app(base_config(database_url) | {"SECRET_KEY": "another-key-" + "9" * 40})
    )
    stranger = other.test_client()
    stranger.set_cookie(COOKIE, value)
    assert stranger.get("/test-session/get").get_data(as_text=True) == "None"


def test_a_new_secret_key_refuses_cookies_checked_under_the_old_one(views):
    client = views.test_client()
    client.get("/test-session/set")
    assert client.get("/test-session/get").get_data(as_text=True) == "1"
    old = views.config["SECRET_KEY"]
    views.config["SECRET_KEY"] = "a-new-key-" + "7" * 40
    assert client.get("/test-session/get").get_data(as_text=True) == "None"
    views.config["SECRET_KEY_FALLBACKS"] = [old]  # the old key kept as a fallback: accepted again
    client.get("/test-session/set")
    assert client.get("/test-session/get").get_data(as_text=True) == "1"


def test_a_request_changing_its_session_does_not_change_the_same_cookie_sent_again(views):
    client = views.test_client()
    client.get("/test-session/flash")
    first = _cookie(client)  # holds one message
    client.get("/test-session/flash")  # the same cookie again, one more message: a new cookie
    assert _cookie(client) != first
    replay = views.test_client()
    replay.set_cookie(COOKIE, first)
    assert replay.get("/test-session/flashes").get_data(as_text=True) == "['one']"


PLAIN_SESSIONS = [
    {},
    {"_user_id": "patient:1:tok", "_fresh": True, "_login_at": 1795805378, "n": 1.5, "x": None},
    {"é": "ünïcode <b>&", "quote": '"'},
]
TAGGED_SESSIONS = [
    {"_flashes": [("info", "Saved.")]},  # flashes are tuples: tagged
    {"html": Markup("<b>bold</b>")},
    {"raw": b"\x00bytes"},
    {"when": dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)},
    {" t": "a key that looks like a tag"},
    {"nested": {"a": 1}},
]


@pytest.mark.parametrize("value", PLAIN_SESSIONS + TAGGED_SESSIONS)
def test_session_json_writes_what_flasks_tagged_json_writes(app, value):
    with app.app_context():
        ours = SessionJSON().dumps(value)
        assert ours == TaggedJSONSerializer().dumps(value)
        assert SessionJSON().loads(ours) == value


def test_a_large_session_is_still_compressed_and_reads_back(views):
    client = views.test_client()
    for _ in range(40):  # forty messages: well over COMPRESS_ABOVE bytes of JSON
        client.get("/test-session/flash")
    value = _cookie(client)
    assert value.startswith(".")  # compressed, as Flask would
    flasks = SecureCookieSessionInterface().get_signing_serializer(views)
    assert len(flasks.loads(value)["_flashes"]) == 40
    assert client.get("/test-session/flashes").get_data(as_text=True) == repr(["one"] * 40)


def test_a_cookie_flask_wrote_opens_and_a_small_one_we_write_opens_in_flask(views):
    flasks = SecureCookieSessionInterface().get_signing_serializer(views)
    written_by_flask = flasks.dumps({"n": 7, "pad": "x" * 200})  # compressible: compressed
    assert written_by_flask.startswith(".")
    client = views.test_client()
    client.set_cookie(COOKIE, written_by_flask)
    assert client.get("/test-session/get").get_data(as_text=True) == "7"
    client.get("/test-session/set")
    ours = _cookie(client)
    assert not ours.startswith(".")
    assert flasks.loads(ours) == {"n": 1, "pad": "x" * 200}
