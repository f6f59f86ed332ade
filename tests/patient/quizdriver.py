"""Drive the patient's quiz through the test client, answering right or wrong on purpose."""

from __future__ import annotations

import re

import sqlalchemy as sa

from quizapp.models import Choice
from tests.helpers import csrf_from

CHOICE_RE = re.compile(r'id="choice-(\d+)"')
VERSION_RE = re.compile(r'name="version" value="(\d+)"')


def question_form(page: str) -> dict[str, str]:
    """The hidden fields a question page's form sends: its CSRF token and the question's
    version."""
    match = VERSION_RE.search(page)
    assert match is not None, "the question form names no version"
    return {"csrf_token": csrf_from(page), "version": match.group(1)}


def resume(client, assignment_id: int):
    """GET the resume page; returns the response."""
    return client.get(f"/learn/{assignment_id}/quiz")


def pick(dbs, page: str, right: bool) -> list[str]:
    """Choice ids to send: all the correct ones, or one wrong one."""
    ids = [int(i) for i in CHOICE_RE.findall(page)]
    choices = dbs.scalars(sa.select(Choice).where(Choice.id.in_(ids))).all()
    if right:
        return [str(c.id) for c in choices if c.is_correct]
    return [str(next(c.id for c in choices if not c.is_correct))]


def answer(client, dbs, url: str, right: bool):
    """Answer the question at ``url`` as the browser sends the form; returns the POST response."""
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data=question_form(page) | {"choice": pick(dbs, page, right)})


def post_button(client, page_url: str, action: str):
    """Press a CSRF-protected button (start or finish) found on ``page_url``."""
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token})


def run_round(client, dbs, assignment_id: int, wrong_positions=()) -> list[str]:
    """Answer every question of the open round (wrong at the given 1-based positions) and finish.
    Returns the question URLs in order."""
    urls = []
    while True:
        response = resume(client, assignment_id)
        if response.status_code != 302 or "/q/" not in response.headers["Location"]:
            break
        url = response.headers["Location"]
        urls.append(url)
        position = int(url.rsplit("/", 1)[1])
        result = answer(client, dbs, url, right=position not in wrong_positions)
        assert result.status_code == 302 and result.headers["Location"].endswith("/feedback")
    number = int(urls[0].split("/round/")[1].split("/")[0]) if urls else None
    if number is not None:
        finish = post_button(
            client, urls[-1] + "/feedback", f"/learn/{assignment_id}/round/{number}/finish"
        )
        assert finish.status_code == 302
    return urls
