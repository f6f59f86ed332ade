"""``python -m benchmarks.profile PAGE``: where one page spends its time, in process, under
pyinstrument, on a generated cohort. PAGE is question, answer, dashboard, summary or import."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click

from benchmarks import bankgen, cohort, legs, sessions
from benchmarks.databases import ENGINES, SECRET_KEY, database, engine_for

PAGES = ("question", "answer", "dashboard", "summary", "import")


@click.command()
@click.argument("page", type=click.Choice(PAGES))
@click.option("--engine", type=click.Choice(ENGINES), default="sqlite", show_default=True)
@click.option("--patients", type=int, default=10_000, show_default=True)
@click.option("--requests", "count", type=int, default=200, show_default=True)
@click.option(
    "--plain",
    is_flag=True,
    help="No profiler: time the requests, and as many of a bare Flask hello, in µs each.",
)
def main(page: str, engine: str, patients: int, count: int, plain: bool) -> None:
    """Profile COUNT requests of PAGE (or one bank import) and print the slowest call paths."""
    from pyinstrument import Profiler

    with tempfile.TemporaryDirectory(prefix="quizapp-profile-") as tmp:
        with database(engine, Path(tmp)) as db:
            if page == "import":
                _profile_import(db.url, Path(tmp), Profiler())
                return
            with engine_for(db.url) as sa_engine:
                size = cohort.Size(patients=patients, educators=20, open_share=0.05)
                made = cohort.generate(sa_engine, size, SECRET_KEY)
                legs.settle(sa_engine)  # as make bench
            app = sessions.in_process_app(db.url)
            try:
                paths = _requests(app, made, page, count)
                if plain:
                    _time_plainly(page, paths)
                    return
                profiler = Profiler()
                started = time.perf_counter()
                with profiler:
                    for client, method, path, data in paths:
                        status = client.open(path, method=method, data=data).status_code
                        if status >= 400:
                            raise click.ClickException(f"{method} {path} answered {status}")
                elapsed = time.perf_counter() - started
            finally:
                sessions.dispose(app)
    click.echo(profiler.output_text(unicode=True, color=False, show_all=False))
    click.echo(f"{len(paths)} requests of {page}: {1000 * elapsed / len(paths):.1f} ms each")


def _time_plainly(page: str, paths: list[tuple]) -> None:
    """Each request once (an answer is stored once), then as many hellos, without a profiler."""
    from benchmarks.ceilings import hello_app

    if page != "answer":  # warm caches (an answer is stored once: not sent twice)
        for client, method, path, data in paths[: min(50, len(paths) // 4)]:
            client.open(path, method=method, data=data)
    started = time.perf_counter()
    for client, method, path, data in paths:
        status = client.open(path, method=method, data=data).status_code
        if status >= 400:
            raise click.ClickException(f"{method} {path} answered {status}")
    each = (time.perf_counter() - started) / len(paths)
    hello = hello_app().test_client()
    started = time.perf_counter()
    for _ in paths:
        hello.get("/")
    hello_each = (time.perf_counter() - started) / len(paths)
    click.echo(f"{len(paths)} requests of {page}: {1e6 * each:.0f} µs each")
    click.echo(f"bare Flask hello with a session, as many: {1e6 * hello_each:.0f} µs each")


def _requests(app, made: cohort.Cohort, page: str, count: int) -> list[tuple]:
    if page in ("question", "answer"):
        out = []
        for patient in made.open_patients:
            client = app.test_client()
            session = sessions.sign_in_patient(app, patient)
            client.set_cookie(sessions.COOKIE, session.cookie.split("=", 1)[1])
            for position, version, choice in patient.items:
                data = None
                if page == "answer":
                    data = {"csrf_token": session.csrf, "choice": str(choice), "version": version}
                out.append(
                    (client, "POST" if data else "GET", session.question_path(position), data)
                )
                if len(out) >= count:
                    return out
        return out
    email = made.educator_emails[0]
    client = sessions.staff_client(app, email)
    if page == "dashboard":
        return [(client, "GET", f"/educator/?page={1 + n % 20}", None) for n in range(count)]
    ids = made.patient_ids[email]
    return [(client, "GET", f"/educator/patients/{ids[n % len(ids)]}", None) for n in range(count)]


def _profile_import(url: str, folder: Path, profiler) -> None:
    from quizapp.cli import banks

    bank_dir = folder / "bank"
    bankgen.write(bank_dir)
    app = sessions.in_process_app(url)
    try:
        runner = app.test_cli_runner()
        started = time.perf_counter()
        with profiler:
            result = runner.invoke(banks.import_, [str(bank_dir)])
        elapsed = time.perf_counter() - started
    finally:
        sessions.dispose(app)
    click.echo(profiler.output_text(unicode=True, color=False, show_all=False))
    click.echo(f"{result.output.strip()}\nbank import of 1,000 questions: {elapsed:.2f} s")


if __name__ == "__main__":
    main()
