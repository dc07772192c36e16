# Cap NR — the two commands: `make run` (demo at http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CAPNR := $(BIN)/capnr
DEMO_PASSWORD ?= capnr-demo-2025
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: bench run test setup setup-dev system-deps lint check-migrations test-sqlite test-postgres \
        translations messages format clean

$(VENV)/.installed-app: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cap NR needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	# Bytecode for the sources too, as pip writes it for installed packages: a `capnr` command
	# then starts without compiling Cap NR's modules, even where PYTHONDONTWRITEBYTECODE is set.
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m compileall -q src config >/dev/null
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-app pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed-app translations

setup-dev: system-deps $(VENV)/.installed-dev node_modules/.installed translations

system-deps:
	bash scripts/system-deps.sh

translations: $(VENV)/.installed-app
	DJANGO_SETTINGS_MODULE=config.settings.dev $(CAPNR) compile_translations

# The demo runs with DEBUG off, so that a mistyped address shows the product's own 404 page
# (CAPNR_DEBUG=true make run brings Django's debug pages back for developers).
run: export CAPNR_DEBUG ?= false
run: setup
	$(CAPNR) migrate --noinput
	$(CAPNR) seed_demo --password "$(DEMO_PASSWORD)"
	@echo "Cap NR is starting at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(CAPNR) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(CAPNR) runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check-migrations: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(CAPNR) makemigrations --check --dry-run

test-sqlite: setup-dev
	$(BIN)/pytest

test-postgres: setup-dev
	bash scripts/with-postgres.sh $(BIN)/pytest -m "not browser"

test: setup-dev lint check-migrations test-sqlite test-postgres
	@echo "make test: all checks passed (SQLite and PostgreSQL)."

bench: setup-dev
	$(BIN)/python benchmarks/bench_footprint.py
	$(BIN)/python benchmarks/bench_inventory.py
	$(BIN)/python benchmarks/bench_impact.py
	$(BIN)/python benchmarks/bench_load.py

messages: $(VENV)/.installed-dev
	cd src/capnr && DJANGO_SETTINGS_MODULE=config.settings.dev ../../$(CAPNR) makemessages -l fr --no-obsolete --no-location
	$(MAKE) translations

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
