"""gunicorn with two sync workers on 127.0.0.1, in its own process group; its workers' memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.databases import BIN, app_env
from quizapp.paths import ROOT

HOST = "127.0.0.1"
WORKERS = 2
START_TIMEOUT = 60.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float, process: subprocess.Popen | None = None) -> float:
    """Poll ``url`` until it answers 200; returns the moment it did (time.monotonic())."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # nosec B310 (127.0.0.1)
                if response.status == 200:
                    return time.monotonic()
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


class Gunicorn:
    """One gunicorn master and its sync workers serving ``target`` (``module:app``)."""

    def __init__(self, target: str, database_url: str, ready_path: str, **env: str) -> None:
        self.target = target
        self.port = free_port()
        self.env = app_env(database_url, **env)
        self.ready_path = ready_path
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()  # a pipe nobody reads would fill and block gunicorn

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> Gunicorn:
        command = [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--worker-class", "sync"]
        command += ["--bind", f"{HOST}:{self.port}", "--timeout", "60", self.target]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        try:
            wait_for(self.base + self.ready_path, START_TIMEOUT, self.process)
        except RuntimeError as exc:
            self.stop()
            raise RuntimeError(f"{exc}\n{self.read_log()}") from None
        return self

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the master)."""
        assert self.process is not None
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            return [int(p) for p in children.read_text().split()]
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
        return found

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (VmRSS), in MB."""
        return [rss_mb(pid) for pid in self.worker_pids()]

    def read_log(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self) -> None:
        """SIGTERM the process group; SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def rss_mb(pid: int) -> float:
    """VmRSS of a process from /proc/<pid>/status, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@contextmanager
def serving(target: str, database_url: str, ready_path: str, **env: str) -> Iterator[Gunicorn]:
    """A started gunicorn, always stopped (and its log closed) afterwards."""
    server = Gunicorn(target, database_url, ready_path, **env)
    try:
        yield server.start()
    finally:
        server.stop()
        server.log.close()
