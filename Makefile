# quizapp: `make run` serves the app with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format bench services browser wrk clean help

help:
	@echo "make run    set up .venv, migrate, load the bank and demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install test dependencies (chromium and wrk included), start services, run all tests"
	@echo "make lint   ruff and bandit"
	@echo "make bench  benchmarks against bare Flask ceilings"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

instance/secret_key:
	mkdir -p instance
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@

run: $(VENV)/.run-deps instance/secret_key
	$(FLASK) db upgrade
	$(FLASK) bank import questions/
	$(FLASK) demo
	$(FLASK) run --host $(HOST) --port $(PORT)

services:
	bash .ci/ensure-services

browser:
	bash .ci/ensure-chromium

wrk:
	bash .ci/ensure-wrk

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r quizapp wsgi.py

test: $(VENV)/.test-deps services browser wrk lint
	$(BIN)/pytest

bench: $(VENV)/.test-deps services wrk
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
