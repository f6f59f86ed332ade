"""A patient's session times out mid-quiz on a real server: after the code, every answer is there."""

from __future__ import annotations

import time

import sqlalchemy as sa

from quizapp.models import Response
from tests.reliability.server import running
from tests.reliability.visitor import CHOICE_RE, Visitor, csrf, enter_code

IDLE_SECONDS = 4


def answer(patient: Visitor, url: str, correct: dict[int, bool]):
    page = patient.get(url)
    ids = [i for i in CHOICE_RE.findall(page.text) if correct[int(i)]]
    return patient.submit(page, url, [("choice", i) for i in ids])


def test_timed_out_patient_types_the_code_again_and_goes_on_with_every_answer(
    database_url, dbs, enrol, correct
):
    (enrolled,) = enrol(1)
    base = f"/learn/{enrolled.assignment_id}"
    with running(database_url, QUIZAPP_IDLE_TIMEOUT=str(IDLE_SECONDS)) as server:
        patient = Visitor(server.port)
        signed_in_at = time.monotonic()
        enter_code(patient, enrolled.code)
        patient.submit(patient.get(f"{base}/quiz"), f"{base}/rounds", [])
        for position in (1, 2):
            reply = answer(patient, f"{base}/round/1/q/{position}", correct)
            assert reply.status == 302 and reply.location.endswith("/feedback")
        third = patient.get(f"{base}/round/1/q/3")
        time.sleep(max(0.0, signed_in_at + IDLE_SECONDS + 1.5 - time.monotonic()))

        late = patient.post(
            f"{base}/round/1/q/3",
            [("csrf_token", csrf(third.text)), ("choice", CHOICE_RE.findall(third.text)[0])],
        )
        assert late.status == 302 and late.location == "/signed-out"
        notice = patient.get("/signed-out")
        assert "Your answers are saved" in notice.text
        assert patient.get(f"{base}/quiz").location == "/start"

        assert enter_code(patient, enrolled.code).location == "/learn/"
        assert patient.get(f"{base}/quiz").location == f"{base}/round/1/q/3"
        assert patient.get(f"{base}/round/1/q/1").location == f"{base}/round/1/q/1/feedback"
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 2  # the late answer was not kept
