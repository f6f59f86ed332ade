"""``bank generate``: draft a question bank from a patient-education document."""

from __future__ import annotations

import random
from pathlib import Path

import click

from quizapp.cli.banks import group
from quizapp.domain import bankfile
from quizapp.domain.generation import MAX_BYTES, DocumentError, decode, draft


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise click.ClickException(
                f"{path} is larger than {MAX_BYTES // 1024} KB. Split it into smaller documents."
            )
        return path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Could not read {path}: {exc.strerror}.") from None


@group.command("generate")
@click.argument("document", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the bank here and its document beside it (documents/<slug>.md).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same drafts.")
@click.option("--slug", help="The bank's slug (default: made from the title).")
@click.option("--title", help="The bank's title (default: the document's title).")
@click.option("--force", is_flag=True, help="Replace files that are already there.")
def generate(
    document: Path,
    output: Path | None,
    seed: int,
    slug: str | None,
    title: str | None,
    force: bool,
) -> None:
    """Draft questions from DOCUMENT (plain text or Markdown, up to 1 MB) as a bank file with
    status draft; review them, then `bank lint` and `bank import` the file."""
    try:
        result = draft(
            decode(_read(document)), slug, title, random.Random(seed), source=document.name
        )
    except DocumentError as exc:
        raise click.ClickException(f"{document}: {exc}") from None
    text = bankfile.dump_bank(result.spec)
    summary = (
        f"{len(result.drafts)} draft questions in {len(result.spec.topics)} topics "
        f"({len(result.dropped)} candidates failed the quality rules)."
    )
    if output is None:
        click.echo(text, nl=False)
        click.echo(f"{summary} Use -o FILE to write the bank and its document.", err=True)
        return
    beside = output.parent / result.spec.document
    existing = [str(p) for p in (output, beside) if p.exists()]
    if existing and not force:
        raise click.ClickException(
            f"{' and '.join(existing)} already exist. Choose another -o path, or pass --force "
            "to replace them."
        )
    try:
        beside.parent.mkdir(parents=True, exist_ok=True)
        beside.write_text(result.spec.document_text, encoding="utf-8")
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"Could not write {output}: {exc.strerror}.") from None
    click.echo(f"Wrote {output} and {beside}: {summary}")
