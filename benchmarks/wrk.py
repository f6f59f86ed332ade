"""Load from wrk, always against 127.0.0.1 and always bounded in time."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua" / "targets.lua"
MARK = "WRK_JSON "


@dataclass(frozen=True)
class Load:
    """wrk settings, the same for every measured page and both ceilings."""

    threads: int = 2
    connections: int = 8
    seconds: int = 10


@dataclass(frozen=True)
class Target:
    """One request wrk sends: method, path, cookie header value and form body."""

    method: str
    path: str
    cookie: str = ""
    body: str = ""

    def line(self) -> str:
        fields = (self.method, self.path, self.cookie, self.body)
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError("a target may not contain tabs or new lines")
        return "\t".join(fields)


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    #: Answers of 400 and above, and connection errors and timeouts.
    errors: int
    #: How often a wrk thread ran out of requests and started its list again.
    wraps: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed: run `bash .ci/ensure-wrk` (or `make bench`).")
    return found


def run(
    base_url: str,
    targets: list[Target],
    load: Load,
    seconds: int | None = None,
    once: bool = False,
) -> Result:
    """Send ``targets`` to ``base_url`` (127.0.0.1 only) for ``seconds`` and read wrk's figures.
    With ``once`` each target is sent once at most (the run ends early when all are answered):
    for requests that must not repeat, such as new answers."""
    if not base_url.startswith("http://127.0.0.1:"):
        raise ValueError("wrk only ever loads 127.0.0.1")
    if not targets:
        raise ValueError("nothing to send")
    if once and len(targets) < load.threads:  # every thread would send every target
        raise ValueError("sending each target once needs at least one target per wrk thread")
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
        handle.write("\n".join(t.line() for t in targets) + "\n")
        listing = Path(handle.name)
    try:
        command = [wrk_binary(), "-t", str(load.threads), "-c", str(load.connections)]
        command += ["-d", f"{seconds or load.seconds}s", "--timeout", "10s", "-s", str(LUA)]
        command += [base_url + "/", "--", str(listing), str(load.threads)]
        command += ["once"] if once else []
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=(seconds or load.seconds) + 60
        )
    finally:
        listing.unlink()
    return parse(done.stdout, done.stderr)


def parse(stdout: str, stderr: str = "") -> Result:
    """The figures from the line our Lua ``done()`` prints."""
    line = next((x for x in stdout.splitlines() if x.startswith(MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{stdout}\n{stderr}")
    data = json.loads(line[len(MARK) :])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
        wraps=data["wraps"],
    )
