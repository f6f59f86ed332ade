"""The load generator's target lists, against a tiny local server with real wrk (nothing here is
timed): each wrk thread sends its own slice in order; a list that runs out starts over, except for
new answers ("once"), which are each sent once and end the run early."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from benchmarks.wrk import Load, Target, run


@pytest.fixture
def server() -> Iterator[tuple[str, Counter]]:
    """A threaded HTTP/1.1 server on 127.0.0.1 that counts the paths it is sent."""
    seen: Counter = Counter()
    lock = threading.Lock()

    def app(environ, start_response):
        with lock:
            seen[environ["PATH_INFO"]] += 1
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", seen
    finally:
        httpd.shutdown()
        thread.join(5)


LOAD = Load(threads=2, connections=4, seconds=5)


def test_once_sends_each_target_and_ends_when_all_are_answered(server):
    base, seen = server
    targets = [Target("POST", f"/answer/{n}", "", f"choice={n}") for n in range(200)]
    result = run(base, targets, LOAD, once=True)
    assert set(seen) == {t.path for t in targets}
    repeated = {path: count for path, count in seen.items() if count > 1}
    # Only each thread's last line, sent again on connections still open as its slice ended.
    assert set(repeated) <= {"/answer/198", "/answer/199"}
    assert sum(repeated.values()) - len(repeated) <= LOAD.connections
    assert result.wraps == 0
    assert len(targets) <= result.requests <= len(targets) + LOAD.connections
    # Its time runs from the first request to the last answer, not to the end of wrk's -d.
    assert result.seconds < LOAD.seconds


def test_without_once_a_short_list_starts_over(server):
    base, seen = server
    targets = [Target("GET", f"/page/{n}") for n in range(4)]
    result = run(base, targets, LOAD, seconds=1)
    assert result.wraps > 0
    assert min(seen.values()) > 1  # every page sent again and again
