"""A real quizapp server for the reliability tests: gunicorn with several workers on 127.0.0.1.

The server runs in its own process group, so a crash can be simulated by sending SIGKILL to the
master and its workers at once, the way a power cut or the OOM killer would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.databases import app_env
from benchmarks.servers import HOST, free_port, wait_for
from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKERS = 3
START_TIMEOUT = 30.0


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment of a production-like server process on ``database_url``, with the tests' key."""
    return app_env(database_url, secret_key=SECRET, **extra)


class Server:
    """One gunicorn process group serving quizapp on ``port``."""

    def __init__(self, database_url: str, port: int | None = None, **env: str) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.env = server_env(database_url, **env)
        self.process: subprocess.Popen | None = None
        #: gunicorn's stderr goes to a file: a pipe nobody reads would fill and block it.
        self.log = tempfile.TemporaryFile()  # closed by close()

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> Server:
        """Start gunicorn and wait until /healthz says the database is reachable."""
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(WORKERS),
                "--bind",
                f"{HOST}:{self.port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
                # import the app once in the master, not once per worker: a much faster start on
                # two busy cores; nothing connects to the database before the fork
                "--preload",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        try:
            wait_for(f"{self.base}/healthz", START_TIMEOUT, self.process)
        except RuntimeError as exc:
            self.stop()
            raise AssertionError(f"gunicorn did not start: {exc}\n{self.read_log()}") from None
        return self

    def kill9(self) -> None:
        """SIGKILL the master and every worker at once: no clean-up of any kind."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM to the master); SIGKILL to the group if it takes too long."""
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def read_log(self) -> str:
        """What the server wrote to stderr so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def close(self) -> None:
        """Stop the server and forget its log."""
        self.stop()
        self.log.close()


@contextmanager
def running(database_url: str, **env: str) -> Iterator[Server]:
    """A started server, always stopped afterwards."""
    server = Server(database_url, **env)
    try:
        yield server.start()
    finally:
        server.close()


def flask_cli(database_url: str, *args: str, input: str | None = None, timeout: float = 60):
    """Run ``flask --app wsgi ARGS`` as a separate process; returns the CompletedProcess."""
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=server_env(database_url),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
