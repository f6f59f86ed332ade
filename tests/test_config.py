"""Configuration layers and the refusal to start unsafely."""

from __future__ import annotations

import pytest

from quizapp import create_app
from quizapp.config import ConfigError, load_config

STRONG = "k" * 8 + "0123456789abcdefghijklmnopqrstuv"


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "short-key", "a" * 40])
def test_refuses_to_start_without_a_strong_secret_key(key, tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    # an instance/secret_key left by `make run` must not stand in for the missing key
    monkeypatch.setattr("quizapp.factory.INSTANCE", tmp_path)
    with pytest.raises(ConfigError, match="SECRET_KEY is missing or weak") as excinfo:
        create_app({"SECRET_KEY": key, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert "secrets.token_hex" in str(excinfo.value)  # says how to make one


def test_refuses_debug_in_production(tmp_path):
    with pytest.raises(ConfigError, match="Debug mode is on"):
        create_app(
            {
                "DEBUG": True,
                "QUIZAPP_ENV": "production",
                "SECRET_KEY": STRONG,
                "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
            }
        )


def test_starts_with_a_strong_key(tmp_path):
    app = create_app({"SECRET_KEY": STRONG, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_layers_defaults_then_environment_then_mapping(tmp_path):
    environ = {
        "QUIZAPP_IDLE_TIMEOUT": "600",
        "QUIZAPP_HTTPS": "1",
        "DATABASE_URL": "postgresql://db.example/quizapp",
        "QUIZAPP_ACCESS_CODE_DAYS": "14",
    }
    settings = load_config(str(tmp_path), {"QUIZAPP_ACCESS_CODE_DAYS": 7}, environ)
    assert settings["QUIZAPP_IDLE_TIMEOUT"] == 600  # environment, coerced to int
    assert settings["QUIZAPP_HTTPS"] is True and settings["SESSION_COOKIE_SECURE"] is True
    assert settings["DATABASE_URL"] == "postgresql://db.example/quizapp"
    assert settings["QUIZAPP_ACCESS_CODE_DAYS"] == 7  # the mapping wins
    assert settings["QUIZAPP_ABSOLUTE_TIMEOUT"] == 12 * 3600  # class default


def test_defaults_to_sqlite_in_the_instance_folder_and_reads_its_key_file(tmp_path):
    (tmp_path / "secret_key").write_text(STRONG + "\n")
    settings = load_config(str(tmp_path), None, {})
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path}/quizapp.db"
    assert settings["SECRET_KEY"] == STRONG


def test_a_bad_number_in_the_environment_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="QUIZAPP_IDLE_TIMEOUT: expected a whole number"):
        load_config(str(tmp_path), None, {"QUIZAPP_IDLE_TIMEOUT": "thirty"})


@pytest.mark.parametrize("flag, debug", [("1", True), ("true", True), ("0", False), ("no", False)])
def test_flask_debug_in_the_environment_counts_as_debug_mode(tmp_path, flag, debug):
    settings = load_config(str(tmp_path), None, {"FLASK_DEBUG": flag})
    assert settings["DEBUG"] is debug
