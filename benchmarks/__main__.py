"""``python -m benchmarks``: run every leg, print the table and the targets, write the JSON."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path

import click

from benchmarks import cohort, timings
from benchmarks.databases import ENGINES
from benchmarks.legs import run_leg
from benchmarks.report import Measure, Report, format_table, write_json
from benchmarks.wrk import Load, wrk_binary
from quizapp.paths import ROOT


def _say(text: str) -> None:
    click.echo(text, err=True)


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip()


@click.command()
@click.option("--quick", is_flag=True, help="A small cohort and 3-second runs: a smoke check.")
@click.option("--patients", type=int, help="Cohort size (default 10,000; 500 with --quick).")
@click.option(
    "--engine",
    "engines",
    type=click.Choice(ENGINES),
    multiple=True,
    help="Only this engine (repeatable; default both).",
)
@click.option("--seconds", type=int, help="Length of each wrk run (default 10; 3 with --quick).")
@click.option("--connections", type=int, default=8, show_default=True)
@click.option("--threads", type=int, default=2, show_default=True)
@click.option("--skip-make-run", is_flag=True, help="Do not time `make run`.")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write the JSON (default benchmarks/results/latest.json).",
)
def main(
    quick: bool,
    patients: int | None,
    engines: tuple[str, ...],
    seconds: int | None,
    connections: int,
    threads: int,
    skip_make_run: bool,
    output: Path | None,
) -> None:
    """Benchmark quizapp against bare Flask ceilings on SQLite and PostgreSQL (see issue 8)."""
    wrk_binary()  # fail early with the fix when wrk is missing
    base = cohort.QUICK if quick else cohort.FULL
    if quick:
        base = cohort.Size(patients=base.patients, educators=base.educators, open_share=0.2)
    size = cohort.Size(
        patients=patients or base.patients,
        educators=base.educators,
        rounds=base.rounds,
        per_topic=base.per_topic,
        open_share=base.open_share,
    )
    load = Load(threads=threads, connections=connections, seconds=seconds or (3 if quick else 10))
    started = time.monotonic()
    report = Report(
        meta={
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": _git_commit(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "wrk": {
                "threads": load.threads,
                "connections": load.connections,
                "seconds": load.seconds,
            },
            "gunicorn_workers": 2,
            "cohort_size": size.__dict__,
            "load_average_before": os.getloadavg(),
        }
    )
    with tempfile.TemporaryDirectory(prefix="quizapp-bench-") as tmp:
        for engine in engines or ENGINES:
            folder = Path(tmp) / engine
            folder.mkdir()
            leg = run_leg(engine, size, load, folder, _say)
            report.rows += leg.rows
            report.measures += leg.measures
            report.meta.update(leg.meta)
    if not skip_make_run:
        _say("[any] make run, from start to the first answer from /login")
        value, detail = timings.make_run_seconds()
        report.measures.append(
            Measure("any", "make_run", "make run to first response", value, "s", detail)
        )
    report.meta["load_average_after"] = os.getloadavg()
    report.meta["seconds"] = round(time.monotonic() - started, 1)
    path = write_json(report, output)
    click.echo(format_table(report))
    click.echo(
        f"\nWritten to {path} in {report.meta['seconds']:.0f} s. Load average before/after: "
        f"{_loads(report.meta['load_average_before'])} / "
        f"{_loads(report.meta['load_average_after'])} on {os.cpu_count()} CPUs."
    )


def _loads(values) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
