"""A NUL byte in a path, query or form is refused with a clear 400 page before any view runs
(PostgreSQL cannot store one in text; no person types one)."""

from __future__ import annotations

import pytest

from tests.helpers import csrf_from


@pytest.mark.parametrize(
    "url", ["/educator/?q=a%00b", "/educator/?page=%00", "/start?x=1&%00=y", "/a%00b"]
)
def test_a_nul_in_the_address_is_refused(client, make_user, login, url):
    login(client, make_user("educator"))
    page = client.get(url)
    assert page.status_code == 400
    assert "Something was wrong with that request" in page.get_data(as_text=True)


def test_a_nul_in_a_form_is_refused_and_nothing_is_stored(client):
    token = csrf_from(client.get("/start").get_data(as_text=True))
    page = client.post("/start", data={"csrf_token": token, "code": "ABCD\x00EFGH"})
    assert page.status_code == 400
    assert "Something was wrong with that request" in page.get_data(as_text=True)


def test_an_ordinary_percent_sign_in_a_search_is_fine(client, make_user, login):
    login(client, make_user("educator"))
    assert client.get("/educator/?q=100%25").status_code == 200
