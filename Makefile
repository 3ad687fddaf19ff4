# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format worker beat install install-dev frontend browser system-libs migrate demo check-deploy clean

.venv/bin/python:
	python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip

# Re-install only when the pins change.
.venv/.installed: requirements.txt .venv/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

.venv/.installed-dev: requirements.txt requirements-dev.txt .venv/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: .venv/.installed frontend system-libs
install-dev: .venv/.installed-dev frontend browser system-libs

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/build/main.css: node_modules/.package-lock.json static/scss/main.scss tools/copy-vendor.mjs
	npm run --silent build

frontend: static/build/main.css

APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Playwright cannot download a browser here: the tests drive Debian's Chromium.
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) $(APT_INSTALL) chromium >/dev/null; }

# WeasyPrint (the annual report's PDF) needs Pango and a font from Debian.
system-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 && [ -d /usr/share/fonts/truetype/dejavu ] || { \
	  $(SUDO) apt-get update -qq && $(SUDO) $(APT_INSTALL) libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

.env:
	cp .env.example .env

migrate: install .env
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py seed_policies
	$(PY) manage.py load_demo_data
	$(PY) manage.py load_example_measures
	$(PY) manage.py load_demo_activity

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ — sign in as officer@coventry.example / social-value-demo"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# schemathesis against /api/schema/ of a real server on demo data (throwaway SQLite DB); no 500s,
# no response off its schema. Bounded: 20 examples per operation, about 1.5 minutes.
.PHONY: fuzz-api
fuzz-api: .venv/.installed-dev
	$(PY) tools/fuzz_api.py

lint: .venv/.installed-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: .venv/.installed-dev
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# A real Celery worker; set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) first.
worker: install
	.venv/bin/celery -A socialvalue worker --loglevel=info --concurrency=2

beat: install
	.venv/bin/celery -A socialvalue beat --loglevel=info

# What production runs, checked with production settings.
check-deploy: install
	DJANGO_DEBUG=0 SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=socialvalue.example.gov.uk $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf .venv node_modules static/build staticfiles
