"""Fixtures of the security sweeps: the hostile world (see world.py)."""

from __future__ import annotations

import pytest

from tests.security.world import World, build_world


@pytest.fixture
def app_config() -> dict:
    """Sweeps send many requests from one address: limits would only hide pages from them."""
    return {"QUIZAPP_RATELIMIT_ENABLED": False}


@pytest.fixture
def world(app, dbs) -> World:
    return build_world(app, dbs)
