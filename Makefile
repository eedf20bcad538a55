# Kommunalkompass — the two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: help system-deps setup run test _test test-fast test-browser lint format bench load loadtest sbom audit lock messages clean

help:
	@echo "make run    – set up (venv, npm, SQLite, demo data) and start http://$(HOST):$(PORT)"
	@echo "make test   – set up and run the whole test suite"
	@echo "make lint   – import layers, ruff, mypy, missing migrations"
	@echo "make bench  – benchmark at Großstadt scale (SQLite; also PostgreSQL when DATABASE_URL is set)"
	@echo "make load   – load run on loopback: 50 respondents submit surveys against gunicorn (locust, ≤ 60 s)"
	@echo "make loadtest – Rechenzentrum profile (400 Kommunen) under gunicorn (2 workers) and locust, ≤ 60 s; p95 per page"
	@echo "               (LOAD_ARGS=\"--kommunen 40\" for a quicker run; PostgreSQL when DATABASE_URL points there)"
	@echo "make sbom   – CycloneDX SBOM of the runtime dependencies in var/sbom.cdx.json"
	@echo "make audit  – check the pinned dependencies against PyPI's vulnerability data (needs pypi.org)"

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)

# uv is itself installed from PyPI with a pinned version; all other packages are hash-checked.
$(VENV)/.installed: $(VENV)/bin/python requirements/base.txt requirements/dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.env:
	@echo "Creating .env for local development (secret key generated, DEBUG on)."
	@printf 'DJANGO_SECRET_KEY=%s\nDJANGO_DEBUG=true\n# Nur lokal: kein zweiter Faktor für Administration und Betrieb. In Produktion bleibt er an.\nKOMPASS_MFA_REQUIRED=false\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

# Debian packages for PDF (WeasyPrint: Pango, HarfBuzz, fonts), the role graph (Graphviz) and PDF
# checks in tests (poppler-utils). Installed with apt when missing and running as root.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core graphviz poppler-utils

system-deps:
	@if ! command -v dpkg-query >/dev/null; then echo "Not a Debian system: make sure these are installed: $(SYSTEM_PACKAGES)"; exit 0; fi; \
	missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "Please install: sudo apt-get install $$missing"; exit 1; fi; \
	fi

setup: system-deps $(VENV)/.installed node_modules/.installed .env

run: setup
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) createcachetable
	$(MANAGE) load_catalogues
	$(MANAGE) load_demo --if-empty
	$(MANAGE) demo_logins
	$(MANAGE) start_scheduler
	@# The task worker runs beside the server and stops with it (Ctrl-C, SIGTERM or the server exiting).
	@$(MANAGE) db_worker & worker=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT) & server=$$!; \
	trap 'kill $$server $$worker 2>/dev/null || true; wait' INT TERM EXIT; \
	wait $$server

# Where Debian's Chromium is missing, `make test` skips the browser tests with a message; with
# KOMPASS_REQUIRE_BROWSER=1 (set by .ci/run, which installs Chromium) it fails instead, so they can
# never be skipped there. `_test` holds the decision (kompass/ops/tests/test_supply.py runs it).
test: setup
	@$(MAKE) --no-print-directory _test PYTEST_ARGS="$(PYTEST_ARGS)"

_test:
	@if [ -x "$(CHROMIUM)" ]; then \
		$(MAKE) --no-print-directory _pytest PYTEST_ARGS="$(PYTEST_ARGS)"; \
	elif [ "$${KOMPASS_REQUIRE_BROWSER:-}" = 1 ]; then \
		echo "*** $(CHROMIUM) not found and KOMPASS_REQUIRE_BROWSER=1: the browser tests must not be skipped (apt-get install chromium) ***" >&2; \
		exit 1; \
	else \
		echo "*** $(CHROMIUM) not found: browser tests are SKIPPED (apt-get install chromium to run them) ***"; \
		$(MAKE) --no-print-directory _pytest PYTEST_ARGS="-m 'not browser' $(PYTEST_ARGS)"; \
	fi

test-fast: setup
	$(MAKE) --no-print-directory _pytest PYTEST_ARGS="-m 'not browser and not slow' $(PYTEST_ARGS)"

test-browser: setup
	$(MAKE) --no-print-directory _pytest PYTEST_ARGS="-m browser $(PYTEST_ARGS)"

# pytest exit code 5 means "no tests collected": that is a failure here.
_pytest:
	@status=0; $(VENV)/bin/pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing."; exit 1; fi; exit $$status

lint: setup
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SECRET_KEY=lint $(VENV)/bin/mypy kompass
	DJANGO_SECRET_KEY=lint $(MANAGE) makemigrations --check --dry-run

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(MANAGE) bench

# Not part of `make test`: installs locust and gunicorn (pinned with hashes), then
# kompass/demo/loadtest/run.py: a throw-away database (SQLite, or <name>_load when DATABASE_URL
# is PostgreSQL), gunicorn on 127.0.0.1, locust headless; non-zero exit on any error.
LOAD_ARGS ?=
load: setup
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements/load.txt
	$(PY) -m kompass.demo.loadtest.run $(LOAD_ARGS)

# R8 (docs/security.md), not part of `make test`: kompass/demo/loadtest/rechenzentrum.py generates the
# Rechenzentrum profile (kompass/demo/bench_rechenzentrum.py) in a throw-away database, serves it with
# gunicorn (2 workers, --preload, 127.0.0.1; second factor off for the run) and runs locust headless
# for at most 60 s: members, API scripts and respondents across random Kommunen. Prints requests,
# failures, median and p95 per page; non-zero exit on any failed request.
loadtest: setup
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements/load.txt
	$(PY) -m kompass.demo.loadtest.rechenzentrum $(LOAD_ARGS)

# Supply chain (docs/security.md S4), not part of `make test`; both install requirements/supply.txt
# (pip-audit, cyclonedx-bom, pinned with hashes) and run kompass/ops/supply.py.
# `make sbom`: CycloneDX 1.6 JSON of the runtime dependencies (base.txt pins and the served npm packages).
# `make audit`: every pin against PyPI's vulnerability data. Exit 0 none known, 1 vulnerabilities found,
# 2 the tool failed, 3 the data cannot be reached (nothing checked). AUDIT_ARGS="--ignore-vuln ID" accepts one.
SBOM ?= var/sbom.cdx.json
AUDIT_ARGS ?=
sbom: setup
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements/supply.txt
	$(PY) -m kompass.ops.supply sbom -o $(SBOM)

audit: setup
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements/supply.txt
	$(PY) -m kompass.ops.supply audit $(AUDIT_ARGS)

# Re-pin dependencies (needs network): hashes for every package.
lock: $(VENV)/bin/python
	$(PY) -m pip install --quiet uv==0.13.9
	cd requirements && ../$(UV) pip compile --quiet --generate-hashes --python-version 3.11 base.in -o base.txt
	cd requirements && ../$(UV) pip compile --quiet --generate-hashes --python-version 3.11 dev.in -o dev.txt
	cd requirements && ../$(UV) pip compile --quiet --generate-hashes --python-version 3.11 load.in -o load.txt
	cd requirements && ../$(UV) pip compile --quiet --generate-hashes --python-version 3.11 supply.in -o supply.txt

# Update the translation catalogues after changing texts (needs GNU gettext).
messages: setup
	cd kompass && ../$(PY) ../manage.py makemessages -l en --no-obsolete
	cd kompass && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .mypy_cache .ruff_cache
