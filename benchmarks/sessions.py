"""Signed-in sessions for wrk: patients and staff sign in through the real views, in process
(the app's test client on the same database and secret key), and wrk replays their cookies."""

from __future__ import annotations

import re
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient

from benchmarks.cohort import STAFF_PASSWORD, OpenPatient
from benchmarks.databases import SECRET_KEY
from quizapp import create_app, db

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
COOKIE = "quizapp_session"


@dataclass(frozen=True)
class PatientSession:
    patient: OpenPatient
    cookie: str
    csrf: str

    def question_path(self, position: int) -> str:
        p = self.patient
        return f"/learn/{p.assignment_id}/round/{p.round_number}/q/{position}"

    def answer_body(self, choice_id: int, version_id: int) -> str:
        """The question form as a browser sends it: CSRF token, choice and the question's
        version."""
        return urlencode(
            {"csrf_token": self.csrf, "choice": str(choice_id), "version": str(version_id)}
        )


def in_process_app(database_url: str) -> Flask:
    """The app as the servers run it (same key), for signing in without HTTP."""
    return create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "QUIZAPP_ENV": "production",
            "QUIZAPP_RATELIMIT_ENABLED": False,
        }
    )


def dispose(app: Flask) -> None:
    db.dispose(app)


def _csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    if match is None:
        raise RuntimeError("the page has no CSRF token")
    return match.group(1)


def cookie_of(client: FlaskClient) -> str:
    """The Cookie header value that carries the client's session."""
    cookie = client.get_cookie(COOKIE)
    if cookie is None:
        raise RuntimeError("signing in set no session cookie")
    return f"{COOKIE}={cookie.value}"


def sign_in_patient(app: Flask, patient: OpenPatient) -> PatientSession:
    """Type the patient's code at /start, open the first question; keep cookie and CSRF token."""
    client = app.test_client()
    token = _csrf(client.get("/start").get_data(as_text=True))
    answer = client.post("/start", data={"csrf_token": token, "code": patient.code})
    if answer.status_code != 302:
        raise RuntimeError(f"patient sign-in answered {answer.status_code}")
    path = f"/learn/{patient.assignment_id}/round/{patient.round_number}/q/1"
    page = client.get(path)
    if page.status_code != 200:
        raise RuntimeError(f"{path} answered {page.status_code}")
    return PatientSession(patient, cookie_of(client), _csrf(page.get_data(as_text=True)))


def staff_client(app: Flask, email: str) -> FlaskClient:
    """A test client signed in as a staff member at /login."""
    client = app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    answer = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": STAFF_PASSWORD, "next": ""}
    )
    if answer.status_code != 302:
        raise RuntimeError(f"staff sign-in of {email} answered {answer.status_code}")
    return client


def sign_in_staff(app: Flask, email: str) -> str:
    """Sign a staff member in at /login; returns the Cookie header value."""
    return cookie_of(staff_client(app, email))


def hello_cookie(base_url: str) -> str:
    """The ceiling's session cookie, from its first answer."""
    with urllib.request.urlopen(base_url + "/", timeout=5) as response:  # nosec B310 (127.0.0.1)
        header = response.headers.get("Set-Cookie", "")
    return header.split(";", 1)[0]
