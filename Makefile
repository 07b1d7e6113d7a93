# The only entry points a newcomer needs: make demo, make test (and bench, lint).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Django 6.1 needs Python 3.12+; use the first suitable interpreter found (PATH, then pyenv).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[23]*/bin/python3 2>/dev/null); do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p || echo $$p; } && break; done)
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := PE_DEMO=1 PE_REQUIRE_MFA=0 DJANGO_DEBUG=1 PE_DISABLE_RATE_LIMITS=1 PE_SITE_URL=http://$(HOST):$(PORT)

.PHONY: install demo test test-slow test-fast bench load lint format chromium java clean

$(BIN)/activate:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (Django 6.1)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# What serving needs (make demo); the tests add their tools and the engines (Ibis, pyspark).
$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed

chromium:
	@test -x /usr/bin/chromium || { echo "Installing Debian's Chromium for the browser tests…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

# Spark (equitystats --engine spark, and its tests) runs on a JVM: Debian's Java 17.
java:
	@command -v java >/dev/null || { echo "Installing Debian's Java runtime for Spark…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null; }

demo: install
	$(DEMO_ENV) $(PY) manage.py migrate --no-input -v0
	$(DEMO_ENV) $(PY) manage.py demo --url http://$(HOST):$(PORT)
	@echo "Serving http://$(HOST):$(PORT)/  (a background worker sends email; Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(DEMO_ENV) $(PY) manage.py db_worker --interval 1 >/dev/null 2>&1 & \
	  $(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT) --noreload

# Two workers: CI has 2 cores; whole files go to one worker so module fixtures are built once,
# longest files first (conftest.py orders them; xdist would otherwise sort files by test count).
TEST_WORKERS ?= 2

test: $(VENV)/.installed-test chromium java
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow"

# The slow tests (fuzzing with 100,000 examples each, the Spark data connection): CI runs them once, on SQLite.
test-slow: $(VENV)/.installed-test java
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) -m slow

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e ".[test,bench]"
	@touch $@

# Every script runs even when one misses its goal; the exit status says whether any did.
bench: $(VENV)/.installed-bench java
	@status=0; for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || status=1; done; exit $$status

# The load test (bench/load.py): gunicorn (4 workers) + the task worker + the demo, on loopback.
# Default: 10 people × 5 minutes on a throwaway SQLite database. PostgreSQL (50 people), on an
# existing database: make load LOAD_ARGS="--database-url postgres://…/pe_load --demo"
LOAD_ARGS ?=
load: $(VENV)/.installed-bench
	$(PY) bench/load.py $(LOAD_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles bench/out .pytest_cache .hypothesis
