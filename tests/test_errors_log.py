"""An unexpected database error gets the friendly error page, and the log gets the kind of error
and where it happened, never the database's own words, which can quote a patient's details."""

from __future__ import annotations

import logging

import pytest

from quizapp import db
from quizapp.operations import audit


@pytest.fixture
def app_config() -> dict:
    return {"QUIZAPP_FRIENDLY_500_IN_TESTS": True}


def test_a_database_error_is_logged_without_the_rows_it_quotes(app, caplog):
    def refused_write():
        event = audit.event("test.refused", target="Walter Example, born 1950")
        db.start_writing()
        audit._INSERT.execute(db.connection(), event | {"action": None})  # NOT NULL: refused
        return "written"

    app.add_url_rule("/test-refused-write", view_func=refused_write)
    with caplog.at_level(logging.ERROR, logger="quizapp.errors"):
        page = app.test_client().get("/test-refused-write")
    assert page.status_code == 500
    assert "Something went wrong on our side" in page.get_data(as_text=True)
    assert "unhandled database error on GET refused_write: " in caplog.text
    assert "IntegrityError" in caplog.text or "NotNullViolation" in caplog.text
    assert "in refused_write" in caplog.text  # where it happened
    assert "Walter" not in caplog.text and "1950" not in caplog.text


def test_other_errors_keep_their_traceback_and_message(app, caplog):
    def broken():
        raise ValueError("a plain bug")

    app.add_url_rule("/test-broken", view_func=broken)
    with caplog.at_level(logging.ERROR, logger="quizapp.errors"):
        assert app.test_client().get("/test-broken").status_code == 500
    assert "ValueError: a plain bug" in caplog.text
