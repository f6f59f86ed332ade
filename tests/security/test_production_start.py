"""A production start is refused, as a real process would be started, when debug mode is on or the
secret key is weak: the process exits with a message saying what to change, and never serves."""

from __future__ import annotations

import os
import signal
import subprocess

from tests.reliability.server import BIN, ROOT, free_port, server_env

STRONG = "k" * 8 + "0123456789abcdefghijklmnopqrstuv"


def start(args: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=server_env("sqlite:///" + str(ROOT / "instance" / "never-created.db"), **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def outcome(process: subprocess.Popen) -> tuple[int, str]:
    """Exit code and output; a process still running after 60 s is a server that started."""
    try:
        output, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"{process.args} started serving instead of refusing") from None
    return process.returncode, output


def test_debug_mode_and_weak_keys_are_refused_at_start():
    port = str(free_port())
    debug_run = start(
        [str(BIN / "flask"), "--app", "wsgi", "--debug", "run", "--port", port], SECRET_KEY=STRONG
    )
    debug_env = start(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--preload", "wsgi:app"],
        SECRET_KEY=STRONG,
        FLASK_DEBUG="1",
    )
    weak_key = start(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--preload", "wsgi:app"],
        SECRET_KEY="changeme",
    )
    for process in (debug_run, debug_env):
        code, output = outcome(process)
        assert code != 0 and "Debug mode is on with QUIZAPP_ENV=production" in output, output
        assert "Debugger is active" not in output
    code, output = outcome(weak_key)
    assert code != 0 and "SECRET_KEY is missing or weak" in output, output
    assert "secrets.token_hex(32)" in output  # it says how to make a good one
