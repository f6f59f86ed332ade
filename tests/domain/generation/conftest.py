"""The documents the generator is held to: the seed page and our own fixture pages."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from quizapp.domain.generation import Generated, draft

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / ".." / "shared" / "seeds" / "000_3f8c8241accd99f4.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "documents"
OWN_DOCUMENTS = ("colonoscopy-preparation.txt", "cataract-surgery.md")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return read(SEED)


@pytest.fixture(scope="session")
def seed_bank(seed_text: str) -> Generated:
    return draft(seed_text, rng=random.Random(0), source=SEED.name)


def drafted(name: str, seed: int = 0) -> Generated:
    return draft(read(FIXTURES / name), rng=random.Random(seed), source=name)
