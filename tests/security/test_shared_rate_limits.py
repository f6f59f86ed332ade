"""With Redis storage, rate limits hold across workers (two app instances here)."""

from __future__ import annotations

import uuid

import pytest
import redis

from quizapp import create_app, db
from tests.conftest import base_config
from tests.helpers import post_form

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_limits():
    """A clean Redis database for limits; emptied afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


def test_two_workers_share_one_code_limit_through_redis(database_url, redis_limits):
    config = {
        **base_config(database_url),
        "QUIZAPP_RATELIMIT_STORAGE_URI": redis_limits,
        "QUIZAPP_CODE_LIMIT": "4 per minute",
    }
    apps = [create_app(config), create_app(config)]
    worker_a, worker_b = (app.test_client() for app in apps)
    guesses = [f"{uuid.uuid4().hex[:12].upper()}" for _ in range(5)]
    statuses = [
        post_form(worker, "/start", {"code": guess}).status_code
        for worker, guess in zip([worker_a, worker_b] * 3, guesses, strict=False)
    ]
    for app in apps:
        db.dispose(app)
    assert statuses == [422, 422, 422, 422, 429]
