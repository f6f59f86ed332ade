"""Where the project's folders are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
MIGRATIONS = ROOT / "migrations"
QUESTIONS = ROOT / "questions"
INSTANCE = ROOT / "instance"
