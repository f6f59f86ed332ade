"""What pages render the same way is worked out once per worker (quizapp.render_cache): the signed
CSRF token of a session and the fixed links. Kept values must be exactly what a fresh build gives."""

from __future__ import annotations

import re
import time

from flask import Flask, url_for

from quizapp.render_cache import page_url
from tests.conftest import PASSWORD
from tests.helpers import csrf_from

STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


def test_a_session_keeps_one_signed_token_and_it_is_accepted(app: Flask, client, make_user):
    user = make_user("educator")
    client.get("/login")  # a new session: Flask-WTF makes and signs its token
    first = csrf_from(client.get("/login").get_data(as_text=True))
    time.sleep(1.1)  # Flask-WTF alone would sign it again with a later timestamp
    again = csrf_from(client.get("/login").get_data(as_text=True))
    assert again == first  # kept, in the form's own CSRF field too
    other = csrf_from(app.test_client().get("/login").get_data(as_text=True))
    assert other != first  # another browser, another token
    signed_in = client.post(
        "/login", data={"csrf_token": again, "email": user.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/educator/"


def test_a_token_from_another_session_is_refused(app: Flask, client, make_user):
    user = make_user("educator")
    foreign = csrf_from(app.test_client().get("/login").get_data(as_text=True))
    client.get("/login")
    refused = client.post(
        "/login", data={"csrf_token": foreign, "email": user.email, "password": "x"}
    )
    assert refused.status_code == 400


def test_fixed_links_follow_the_script_root(client):
    at_root = client.get("/login").get_data(as_text=True)
    assert STYLESHEET.search(at_root).group(1) == "/static/css/app.css"
    under = client.get("/login", base_url="http://localhost/quiz/").get_data(as_text=True)
    assert STYLESHEET.search(under).group(1) == "/quiz/static/css/app.css"
    assert 'class="brand" href="/quiz/"' in under
    again = client.get("/login").get_data(as_text=True)
    assert STYLESHEET.search(again).group(1) == "/static/css/app.css"


def test_the_patients_layout_links_follow_the_script_root(in_round):
    client, assignment, question = in_round
    for root in ("", "/quiz"):
        page = client.get(question, base_url=f"http://localhost{root}/").get_data(as_text=True)
        assert STYLESHEET.search(page).group(1) == f"{root}/static/css/app.css"
        assert f'class="brand" href="{root}/"' in page
        assert f'<a href="{root}/learn/">My page</a>' in page
        assert f'<a href="{root}/learn/{assignment.id}/read/">Reading</a>' in page
        assert f'<form method="post" action="{root}/logout" class="inline">' in page


def test_remembered_links_are_url_for_per_script_root(app: Flask):
    assert not app.url_default_functions  # what remembering relative links relies on
    for base in ("http://localhost/", "http://localhost/quiz/", "http://localhost/"):
        with app.test_request_context("/", base_url=base):
            for endpoint, values in [
                ("patient.contents", {"assignment_id": 7}),
                ("patient.contents", {"assignment_id": 8}),
                ("patient.question", {"assignment_id": 7, "number": 2, "position": 3}),
                ("auth.index", {}),
            ]:
                assert page_url(endpoint, **values) == url_for(endpoint, **values)
    # an external link names the request's host: built afresh every time, never remembered
    for host in ("one.example", "two.example"):
        with app.test_request_context("/", base_url=f"http://{host}/"):
            external = page_url("auth.index", _external=True)
            assert external == f"http://{host}/"


def test_links_not_safe_to_remember_are_built_afresh(app: Flask):
    with app.test_request_context("/login"):  # the auth blueprint: its .index is the site's root
        assert page_url(".index") == "/"
    with app.test_request_context("/admin/"):  # another blueprint, another .index
        assert page_url(".index") == "/admin/"
    with app.test_request_context("/"):
        assert page_url("auth.login", next=1) == "/login?next=1"
        assert page_url("auth.login", next=True) == url_for("auth.login", next=True)
        assert page_url("auth.login", next=["a", "b"]) == "/login?next=a&next=b"


def _skeleton(html: str) -> tuple:
    html = re.sub(r"\s+", " ", html.replace(' class=""', ""))  # spacing and an empty class
    head = re.sub(r"<title>.*?</title>", "", html.split("</head>")[0], flags=re.S)
    brand = re.search(r'<a class="brand"[^>]*>quizapp</a>', html)
    return head, brand and brand.group(0), html.split("<header")[0][-80:], html.split("</main>")[1]


def test_the_patients_layout_keeps_the_shared_skeleton(app: Flask, in_round):
    """patient/_layout.html repeats base.html's skeleton (see its comment): head, skip link,
    brand, footer must stay alike."""
    client, _assignment, question = in_round
    patient_page = client.get(question).get_data(as_text=True)
    base_page = app.test_client().get("/start").get_data(as_text=True)  # base.html, signed out
    assert _skeleton(patient_page) == _skeleton(base_page)
    assert '<a class="skip" href="#main">Skip to main content</a>' in patient_page
