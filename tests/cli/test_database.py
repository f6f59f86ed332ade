"""``flask db upgrade|downgrade|current``."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp import db


def test_downgrade_then_upgrade_from_the_command_line(runner, app):
    engine = db.state(app).engine
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert "users" not in sa.inspect(engine).get_table_names()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database is at head" in result.output
    assert "users" in sa.inspect(engine).get_table_names()


def test_current_names_the_revision_and_says_when_an_upgrade_is_due(runner):
    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0
    assert "Database revision: 0003 (the latest)." in result.output
    runner.invoke(args=["db", "downgrade", "base"])
    result = runner.invoke(args=["db", "current"])
    assert (
        "none (empty database); the latest is 0003. Run `flask --app wsgi db upgrade`"
        in result.output
    )
