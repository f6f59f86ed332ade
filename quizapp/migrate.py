"""Alembic configuration built from the app, so no alembic.ini has to agree with it."""

from __future__ import annotations

from alembic.config import Config
from flask import Flask

from quizapp.paths import MIGRATIONS


def alembic_config(app: Flask) -> Config:
    """An Alembic config pointing at ``migrations/`` and the app's database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = app.extensions["quizapp.db"].engine
    return config
