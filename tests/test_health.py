"""``/healthz`` reports the database status."""

from __future__ import annotations

from quizapp import create_app, db
from tests.conftest import base_config


def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable():
    app = create_app(base_config("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"))
    response = app.test_client().get("/healthz")
    db.dispose(app)
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
