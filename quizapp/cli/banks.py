"""``bank``: lint, import and export question banks."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from quizapp import db
from quizapp.domain import bankfile, bankload
from quizapp.operations import banks as bank_ops

group = AppGroup("bank", help="Lint, import and export question banks.")
FORMATS = ("yaml", "gift", "fhir")


def _print_problems(problems: list) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@group.command("lint")
@click.argument("path", type=click.Path(path_type=Path))
def lint(path: Path) -> None:
    """Check bank files (a file or a folder): schema, source excerpts, reading grade."""
    loaded = bankload.load(path)
    _print_problems(loaded.problems)
    errors, warnings = len(loaded.errors), len(loaded.problems) - len(loaded.errors)
    if errors:
        raise click.ClickException(
            f"{errors} errors, {warnings} warnings. Fix the errors, then lint again."
        )
    questions = sum(len(s.questions) for s in loaded.specs)
    click.echo(f"OK: {len(loaded.specs)} banks, {questions} questions, {warnings} warnings.")


@group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def import_(path: Path) -> None:
    """Import bank files (a file or a folder), all or nothing: any error changes nothing."""
    loaded = bankload.load(path)
    _print_problems(loaded.problems)
    if loaded.errors:
        raise click.ClickException(
            f"{len(loaded.errors)} errors: nothing was imported. Run `bank lint` for details."
        )
    session = db.session()
    report = bank_ops.ImportReport()
    try:
        for spec in loaded.specs:
            bank_ops.import_bank(session, spec, report)
        session.commit()
    except Exception:
        session.rollback()
        raise
    click.echo(f"Imported {report.summary()}.")


@group.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="yaml", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file instead of the screen.",
)
def export(slug: str, fmt: str, output: Path | None) -> None:
    """Export bank SLUG as YAML (re-importable), GIFT (Moodle) or a FHIR R4 Questionnaire."""
    bank = bank_ops.load_bank(db.session(), slug)
    if bank is None:
        raise click.ClickException(f"No bank with slug {slug!r}.")
    spec = bank_ops.spec_from_bank(bank)
    if fmt == "yaml":
        text = bankfile.dump_bank(spec)
    elif fmt == "gift":
        from quizapp.domain import gift

        text = gift.to_gift(spec)
    else:
        from quizapp.domain import fhir

        resource = fhir.questionnaire(spec, current_app.config["QUIZAPP_PUBLIC_URL"])
        text = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
        written = [str(output)]
        if fmt in ("yaml", "gift"):
            document = output.parent / spec.document
            document.parent.mkdir(parents=True, exist_ok=True)
            document.write_text(spec.document_text, encoding="utf-8")
            written.append(str(document))
    except OSError as exc:
        raise click.ClickException(f"Could not write {output}: {exc.strerror}.") from None
    click.echo(f"Wrote {' and '.join(written)}.")
