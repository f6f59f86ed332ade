"""Real concurrency: many requests at once for one answer, one finish or one new round."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from quizapp.models import Response, Round
from tests.helpers import csrf_from
from tests.patient.quizdriver import pick, post_button, resume, run_round


def fire(app, cookie: str, requests: list[tuple[str, dict]]) -> list[int]:
    """Send every (url, form) POST at the same moment, each from its own client (a tab)."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def send(n: int, url: str, data: dict) -> None:
        client = app.test_client()
        client.set_cookie("quizapp_session", cookie)
        barrier.wait()
        statuses[n] = client.post(url, data=data).status_code

    threads = [threading.Thread(target=send, args=(n, u, d)) for n, (u, d) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def signed_in(app, make_assignment, issue_code, enter_code):
    assignment = make_assignment()
    client = app.test_client()
    enter_code(client, issue_code(assignment.patient))
    post_button(client, "/learn/", f"/learn/{assignment.id}/rounds")
    return client, assignment


def test_ten_tabs_answering_the_same_question_leave_one_response(
    app, dbs, make_assignment, issue_code, enter_code
):
    client, assignment = signed_in(app, make_assignment, issue_code, enter_code)
    url = resume(client, assignment.id).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    token, cookie = csrf_from(page), client.get_cookie("quizapp_session").value
    answers = [pick(dbs, page, right=n % 2 == 0) for n in range(10)]
    statuses = fire(app, cookie, [(url, {"csrf_token": token, "choice": a}) for a in answers])
    assert statuses == [302] * 10
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 1


def test_ten_simultaneous_finishes_close_the_round_once(
    app, dbs, make_assignment, issue_code, enter_code
):
    client, assignment = signed_in(app, make_assignment, issue_code, enter_code)
    while "/q/" in (resume(client, assignment.id).headers.get("Location") or ""):
        url = resume(client, assignment.id).headers["Location"]
        page = client.get(url).get_data(as_text=True)
        client.post(url, data={"csrf_token": csrf_from(page), "choice": pick(dbs, page, True)})
    token = csrf_from(client.get("/learn/").get_data(as_text=True))
    cookie = client.get_cookie("quizapp_session").value
    finish = f"/learn/{assignment.id}/round/1/finish"
    statuses = fire(app, cookie, [(finish, {"csrf_token": token})] * 10)
    assert statuses == [302] * 10
    rounds = dbs.scalars(sa.select(Round)).all()
    assert len(rounds) == 1 and rounds[0].finished_at is not None


def test_ten_simultaneous_try_agains_open_one_round(
    app, dbs, make_assignment, issue_code, enter_code
):
    client, assignment = signed_in(app, make_assignment, issue_code, enter_code)
    run_round(client, dbs, assignment.id, wrong_positions={1})
    token = csrf_from(client.get("/learn/").get_data(as_text=True))
    cookie = client.get_cookie("quizapp_session").value
    statuses = fire(app, cookie, [(f"/learn/{assignment.id}/rounds", {"csrf_token": token})] * 10)
    assert statuses == [302] * 10
    assert dbs.scalar(sa.select(sa.func.count(Round.id))) == 2
