# caseflow — `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per CPU; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= logical

.PHONY: install run test lint types bench clean translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/caseflow init-db
	$(BIN)/caseflow seed-demo
	$(BIN)/caseflow serve --host $(HOST) --port $(PORT)

# Starts a throwaway PostgreSQL cluster when the machine has a server (CI installs one), so
# every service test runs on SQLite and on PostgreSQL; without one, that half is skipped.
test: install
	@if [ -z "$$CASEFLOW_TEST_PG_URL" ]; then \
	  url=$$(scripts/pg.sh start) && export CASEFLOW_TEST_PG_URL=$$url \
	  || echo "PostgreSQL could not be started: the PostgreSQL half of the suite is skipped"; \
	  started=1; fi; \
	$(BIN)/ruff check caseflow tests bench; lint=$$?; \
	$(BIN)/mypy; types=$$?; \
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); status=$$?; \
	if [ -n "$$started" ]; then scripts/pg.sh stop; fi; \
	[ $$lint -ne 0 ] && exit $$lint; [ $$types -ne 0 ] && exit $$types; exit $$status

# Re-extract the UI's strings, merge them into zh/en catalogues and compile them (.po and .mo
# are both committed; tests/admin/test_catalogue.py fails when a string lacks a translation).
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header \
	  --sort-output -o caseflow/translations/messages.pot .
	$(BIN)/pybabel update -i caseflow/translations/messages.pot -d caseflow/translations \
	  --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d caseflow/translations

lint: install
	$(BIN)/ruff check caseflow tests bench

# mypy, configured in pyproject.toml [tool.mypy]: strict on caseflow/domain, caseflow/rules and
# caseflow/services, the defaults on the edges. `make test` fails on any error; run this alone
# (or `.venv/bin/mypy caseflow/services/actions.py`) while fixing them.
types: install
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
