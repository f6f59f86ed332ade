"""Ten tabs sending the same thing at the same moment to a real multi-worker server: one result."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from quizapp.models import AuditEvent, Response, Round
from tests.reliability.server import running
from tests.reliability.visitor import CHOICE_RE, Reply, Visitor, csrf, enter_code

TABS = 10


def at_once(visitor: Visitor, path: str, form: list[tuple[str, str]]) -> list[Reply]:
    """POST ``form`` to ``path`` from ``TABS`` tabs sharing the visitor's cookies, all at once."""
    barrier = threading.Barrier(TABS)
    replies: list[Reply | None] = [None] * TABS

    def tab(n: int) -> None:
        copy = Visitor(visitor.port)
        copy.cookies = dict(visitor.cookies)
        barrier.wait(timeout=30)
        replies[n] = copy.post(path, form)

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(reply is not None for reply in replies), "a tab got no reply"
    return replies  # type: ignore[return-value]


def test_ten_parallel_starts_answers_and_finishes_each_give_one_result(
    database_url, dbs, enrol, correct
):
    (enrolled,) = enrol(1, per_topic=1)
    base = f"/learn/{enrolled.assignment_id}"
    with running(database_url) as server:
        patient = Visitor(server.port)
        assert enter_code(patient, enrolled.code).status == 302
        start = patient.get(f"{base}/quiz")
        replies = at_once(patient, f"{base}/rounds", [("csrf_token", csrf(start.text))])
        assert {(r.status, r.location) for r in replies} == {(302, f"{base}/quiz")}

        first = patient.get(f"{base}/quiz").location
        page = patient.get(first)
        right = [("choice", i) for i in CHOICE_RE.findall(page.text) if correct[int(i)]]
        replies = at_once(patient, first, [("csrf_token", csrf(page.text)), *right])
        assert {(r.status, r.location) for r in replies} == {(302, f"{first}/feedback")}
        assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 1

        for _ in range(20):  # answer the rest of the round, one at a time
            url = patient.get(f"{base}/quiz").location
            if "/q/" not in url:
                break
            page = patient.get(url)
            ids = [i for i in CHOICE_RE.findall(page.text) if correct[int(i)]]
            assert patient.submit(page, url, [("choice", i) for i in ids]).status == 302
        round_end = patient.get(f"{base}/quiz")
        assert round_end.status == 200
        replies = at_once(patient, f"{base}/round/1/finish", [("csrf_token", csrf(round_end.text))])
        assert {(r.status, r.location) for r in replies} == {(302, f"{base}/round/1/summary")}

    rounds = dbs.scalars(sa.select(Round)).all()
    assert len(rounds) == 1 and rounds[0].finished_at is not None
    audited = dict(
        dbs.execute(
            sa.select(AuditEvent.action, sa.func.count(AuditEvent.id)).group_by(AuditEvent.action)
        ).all()
    )
    assert audited["quiz.round.start"] == 1 and audited["quiz.round.finish"] == 1
    assert audited["quiz.answer"] == dbs.scalar(sa.select(sa.func.count(Response.id)))
