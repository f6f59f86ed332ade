"""30 patients answering at once against gunicorn with several workers, on SQLite and PostgreSQL,
with the whole server killed (SIGKILL, master and workers) in the middle and started again."""

from __future__ import annotations

import threading
import time

from tests.reliability.load import (
    LoadResult,
    check_answers,
    check_consistent,
    database_checks,
    run_load,
)
from tests.reliability.server import Server

PATIENTS_AT_ONCE = 30
SECONDS = 20
KILL_AFTER = 8
#: After the restart answers /healthz, workers may still be booting for a moment.
SETTLE = 2.0


def test_thirty_patients_for_twenty_seconds_through_a_kill_9(database_url, dbs, enrol, correct):
    enrolled = enrol(PATIENTS_AT_ONCE * 3)
    server = Server(database_url)
    outcome: dict[str, LoadResult] = {}
    try:
        server.start()
        load = threading.Thread(
            target=lambda: outcome.setdefault(
                "load",
                run_load(
                    server.port, enrolled, correct, PATIENTS_AT_ONCE, SECONDS, tolerate_outage=True
                ),
            )
        )
        load.start()
        time.sleep(KILL_AFTER)
        killed_at = time.monotonic()
        server.kill9()
        server.start()
        ready_at = time.monotonic()
        load.join(timeout=SECONDS + 150)
        log = server.read_log()
    finally:
        server.close()
    result = outcome["load"]

    assert not result.failures, result.failures[:3]
    assert not result.server_errors, log[-3000:]
    outside_outage = [
        error for at, error in result.connection_errors if not killed_at <= at <= ready_at + SETTLE
    ]
    assert not outside_outage, outside_outage[:3]
    before = sum(1 for at in result.answered_at if at < killed_at)
    after = sum(1 for at in result.answered_at if at > ready_at)
    assert before >= PATIENTS_AT_ONCE // 2 and after >= PATIENTS_AT_ONCE // 2, (before, after)

    unacknowledged = check_answers(dbs, result)
    assert unacknowledged <= PATIENTS_AT_ONCE, "more answers stored than were in flight"
    check_consistent(dbs, result)
    assert database_checks(database_url) == []
