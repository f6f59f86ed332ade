"""Command-line interface: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

from flask import Flask

from quizapp.cli import banks, database, demo, generate, patients, users  # noqa: F401 (generate adds "bank generate")


def init_app(app: Flask) -> None:
    """Register every command group."""
    app.cli.add_command(database.group)
    app.cli.add_command(banks.group)
    app.cli.add_command(users.group)
    app.cli.add_command(patients.group)
    app.cli.add_command(demo.command)
