# Two commands from a fresh clone: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help install run migrate seed test test-fast lint format check schema bench clean

help:
	@echo "make run     serve the portal with demo data on http://$(HOST):$(PORT)/ (SQLite, eager Celery)"
	@echo "make test    run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make lint    ruff check and format check"
	@echo "make check   Django checks, migration check, OpenAPI schema generation"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(STAMP)
	DJANGO_SETTINGS_MODULE=credit_portal.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=credit_portal.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=credit_portal.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

# One benchmark script against DATABASE_URL (PostgreSQL): make bench BENCH=public (docs/benchmarks.md).
BENCH ?= search
bench: $(STAMP)
	$(PY) bench/$(BENCH).py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
