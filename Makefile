# Hestami developer entry points.  `make test` is what CI runs (.ci/run).
#
#   make run            start Postgres/Redis/Cerbos, bootstrap, migrate, seed, serve (SEED_ARGS=...)
#   make test           lint + services for tests + Cerbos policy tests + pytest (PYTEST_ARGS=...)
#   make lint           ruff check, ruff format --check, mypy (strict on graph/)
#   make format         apply ruff's fixes and its formatter to the whole tree
#   make policy-test    compile the Cerbos policies and run their test suites
#   make stop / clean   stop the local services / and delete .hestami (data too)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
CERBOS := node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64
NPM_STAMP := node_modules/.installed
DEVSERVICES := $(PY) -m devtools.devservices
PYTEST_ARGS ?=

.PHONY: help venv node_modules services-run services-test run policy-test lint format test contracts bench bench-nested bench-accounting bench-reserves bench-violations bench-work-orders bench-dashboard bench-communications bench-estoppel bench-bank-files bench-board-package bench-owner-home stop clean FORCE

help:
	@echo "targets: venv node_modules services-run services-test run policy-test lint format test bench bench-nested bench-accounting bench-reserves bench-violations bench-work-orders bench-dashboard bench-communications bench-estoppel bench-bank-files bench-board-package bench-owner-home stop clean"

# Rebuilt when pyproject.toml/constraints.txt change, or when the interpreter is gone.
venv: $(VENV_STAMP)
$(VENV_STAMP): pyproject.toml constraints.txt $(if $(wildcard $(PY)),,FORCE)
	if [[ ! -x $(PY) ]]; then $(PYTHON) -m venv $(VENV); fi
	$(PY) -m pip install -c constraints.txt -e '.[embedded,test]'
	touch $@

# Rebuilt when the lock file changes, or when the Cerbos binary is missing.
node_modules: $(NPM_STAMP)
$(NPM_STAMP): package.json package-lock.json $(if $(wildcard $(CERBOS)),,FORCE)
	npm ci --no-audit --no-fund
	test -x $(CERBOS)
	touch $@

services-run: venv node_modules
	$(DEVSERVICES) up --for run

services-test: venv node_modules
	$(DEVSERVICES) up --for test

# Demo data: the demo logins plus SEED_ARGS associations x units in the demo management
# company (idempotent; e.g. SEED_ARGS="--associations 1000 --units 100" for scale).
SEED_ARGS ?= --associations 3 --units 40
run: services-run
	. .hestami/env.run && $(VENV)/bin/hestami db bootstrap && $(VENV)/bin/hestami migrate \
	  && $(VENV)/bin/hestami seed $(SEED_ARGS) && $(VENV)/bin/hestami serve

# Suites are *_test.yaml files; with no cerbos/tests directory Cerbos looks for them
# next to the policies.
policy-test: node_modules
	$(CERBOS) compile cerbos/policies $(if $(wildcard cerbos/tests),--tests=cerbos/tests)

# Lint first: it takes seconds and fails before the services start. mypy's settings and the
# packages it checks are in pyproject.toml; its cache (.mypy_cache) makes a rerun take ~2 s.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Fixes first (import order, upgrades), then the formatter over what they changed;
# what no tool can fix is left for `make lint` to report.
format: venv
	$(VENV)/bin/ruff check --fix-only .
	$(VENV)/bin/ruff format .

# The test PDP is this run's own (free ports) and stops with it, pass or fail.
# PYTEST_WORKERS=2 runs pytest in two xdist workers, each with a database, Redis
# prefix, bucket and DBOS version of its own (tests/conftest.py): 25 min instead of
# 45 on two cores, but the SLA timer tests, whose deadlines are seconds long, lost
# their ordering once under that load, so one process stays the default.
PYTEST_WORKERS ?= 0
test: lint services-test policy-test
	trap '$(DEVSERVICES) down --for test' EXIT; \
	  . .hestami/env.test && $(PY) -m pytest -q -x --durations=15 -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Mutation benchmark (bench/README.md); BENCH_ARGS=--n 500 --breakdown 50 ...
BENCH_ARGS ?=
bench: venv services-test
	. .hestami/env.test && $(PY) -m bench.mutations $(BENCH_ARGS)

# Nested-read benchmark: API vs naive resolvers vs hand-written SQL, RLS on/off (bench/README.md).
bench-nested: venv services-test
	. .hestami/env.test && $(PY) -m bench.nested $(BENCH_ARGS)

# Financial reports of one association among 1,000 x 100 units x 24 months of postings
# (~5.4M journal lines, loaded by COPY), beside a baseline query (bench/README.md).
# BENCH_ARGS=--associations 200 --explain ...
bench-accounting: venv services-test
	. .hestami/env.test && $(PY) -m bench.accounting $(BENCH_ARGS)

# A 30-year projection of a 200-component reserve study in Decimal vs floats, and the
# reserve dashboard for 10 and 1,000 associations (bench/README.md).
bench-reserves: venv services-test
	. .hestami/env.test && $(PY) -m bench.reserves $(BENCH_ARGS)

# Violations: a 200-observation drive-by through the API vs a bare insert, and the list of a
# 1,000-unit association with unit, owners and stage, statements per page flat (bench/README.md).
bench-violations: venv services-test
	. .hestami/env.test && $(PY) -m bench.violations $(BENCH_ARGS)

# A manager's open work orders across 40 associations (10,000 work orders, first 50 with
# unit, requester, vendor and last transition) against one hand-written statement.
bench-work-orders: venv services-test
	. .hestami/env.test && $(PY) -m bench.work_orders $(BENCH_ARGS)

# The manager's morning (portfolioDashboard) at 40 and 400 associations x 100 units, against
# hand-written SQL in the same run (bench/dashboard.py); BENCH_ARGS=--sizes 40 --n 10 ...
bench-dashboard: venv services-test
	. .hestami/env.test && $(PY) -m bench.dashboard $(BENCH_ARGS)

# An announcement to all owners of a 1,000-unit association: the outbox, then delivery over SMTP
# to a local sink, beside raw smtplib sends of the same messages (bench/README.md).
bench-communications: venv services-test
	. .hestami/env.test && $(PY) -m bench.communications $(BENCH_ARGS)

# An estoppel certificate end to end (fee posted, figures read, PDF rendered and stored), one
# after another, beside one statement reading the same ledger figures (bench/README.md).
bench-estoppel: venv services-test
	. .hestami/env.test && $(PY) -m bench.estoppels $(BENCH_ARGS)

bench-board-package: venv services-test
	. .hestami/env.test && $(PY) -m bench.board_package $(BENCH_ARGS)

# The owner's home at 2 and 20 units: p50, statements and payload bytes, beside the ten list
# reads it replaces and its own statements replayed by hand (bench/README.md).
bench-owner-home: venv services-test
	. .hestami/env.test && $(PY) -m bench.owner_home $(BENCH_ARGS)

# A 10,000-line lockbox file and a 5,000-line bank statement with auto-match into one association
# of the accounting bench's ledger, beside a COPY floor of the same rows (bench/README.md).
bench-bank-files: venv services-test
	. .hestami/env.test && $(PY) -m bench.bank_files $(BENCH_ARGS)

# Regenerate the committed contracts after changing the API.
contracts: venv
	$(VENV)/bin/hestami export-schema && $(VENV)/bin/hestami export-openapi

stop:
	if [[ -d .hestami ]]; then $(if $(wildcard $(PY)),$(PY),$(PYTHON)) -m devtools.devservices down; fi

clean: stop
	rm -rf .hestami

FORCE:
