# The two commands: `make run` (the product, embedded default) and `make test` (the whole suite).
PYTHON ?= python3
# The interpreter that makes the venv, found before the venv's bin/ goes first on PATH: the
# real one, not a version manager's shim (pyenv's costs a tenth of a second at every call).
HOST_PYTHON := $(shell $(PYTHON) -c "import sys; print(sys.executable)" 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup setup-run lock check-lock run test test-postgres test-rabbitmq test-other-date lint audit bandit pip-audit chromium faketime benchmark loadtest clean

# Two dependency sets, each installed exactly from its lock (pinned versions, every file's hash
# checked, nothing resolved): the product's (requirements.txt) for `make run`, and the product's
# with the test tools (requirements-dev.txt) for `make test` and the checks. One marker a set:
# switching from run to test adds the test tools; a changed lock or pyproject.toml reinstalls.
# uv installs them (pinned in requirements-uv.txt; from its cache in about a second, where pip
# spends ten weighing every release on the index), the project without build isolation, from
# the setuptools in the lock. The venv gets no pip of its own (making one costs seconds):
# python3's pip (22.3 or newer) installs uv into it with --python; where python3 has none,
# the venv gets its own.
SYSTEM_PIP := $(shell $(HOST_PYTHON) -c "import pip, sys; sys.exit(tuple(map(int, pip.__version__.split('.')[:2])) < (22, 3))" 2>/dev/null && echo yes)
PIP = $(if $(SYSTEM_PIP),$(HOST_PYTHON) -m pip --python $(BIN)/python,$(BIN)/python -m pip)
UV = $(BIN)/uv pip install --quiet --python $(BIN)/python
INSTALL = $(UV) --require-hashes --no-deps -r
PROJECT = $(UV) --no-deps --no-build-isolation -e .
CHECK_LOCK = $(BIN)/python .ci/check_lock.py

$(BIN)/python:
	$(HOST_PYTHON) -m venv $(if $(SYSTEM_PIP),--without-pip) $(VENV)

# uv's wheel is kept in the user's cache, as uv keeps the others: pip's own cache keeps nothing
# on this machine kind, so each fresh clone asked the index and downloaded 18 MB again (two or
# three seconds). Downloaded once (checked against the lock's hashes), then installed offline
# from there, its hash checked again at each install.
UV_WHEELS := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/navigator/wheels
UV_FROM_CACHE = $(PIP) install --quiet --no-compile --no-index --find-links $(UV_WHEELS) \
	--require-hashes --no-deps -r requirements-uv.txt

$(BIN)/uv: requirements-uv.txt | $(BIN)/python
	$(UV_FROM_CACHE) 2>/dev/null || { $(PIP) download --quiet --require-hashes --no-deps \
	  --dest $(UV_WHEELS) -r requirements-uv.txt && $(UV_FROM_CACHE); }
	touch $@

$(VENV)/.installed-run: requirements.txt pyproject.toml | $(BIN)/uv
	$(INSTALL) requirements.txt
	$(PROJECT)
	$(CHECK_LOCK) --installed requirements.txt --installed requirements-uv.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt pyproject.toml | $(BIN)/uv
	$(INSTALL) requirements-dev.txt
	$(PROJECT)
	$(CHECK_LOCK) --installed requirements-dev.txt --installed requirements-uv.txt
	touch $@

$(VENV)/.installed-load: requirements-load.txt pyproject.toml | $(BIN)/uv
	$(INSTALL) requirements-load.txt
	$(PROJECT)
	$(CHECK_LOCK) --installed requirements-load.txt --installed requirements-uv.txt
	touch $@

setup: $(VENV)/.installed-dev
setup-run: $(VENV)/.installed-run

# Refresh the locks from pyproject.toml (and requirements-uv.in), keeping every pin that still
# fits: after adding or changing a dependency. LOCK_ARGS=--upgrade moves every pin to the
# newest release allowed; LOCK_ARGS="--upgrade-package django" one package. The dev and load
# sets are resolved within the product's pins, so all of them agree. Needs PyPI; takes minutes.
LOCK_FLAGS = --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links $(LOCK_ARGS)
PROJECT_LOCK_FLAGS = $(LOCK_FLAGS) --build-deps-for=editable
lock: | $(BIN)/uv
	$(INSTALL) requirements-dev.txt
	$(BIN)/pip-compile $(PROJECT_LOCK_FLAGS) --output-file=requirements.txt pyproject.toml
	$(BIN)/pip-compile $(PROJECT_LOCK_FLAGS) --extra=dev --constraint=requirements.txt \
	  --output-file=requirements-dev.txt pyproject.toml
	$(BIN)/pip-compile $(PROJECT_LOCK_FLAGS) --extra=load --constraint=requirements.txt \
	  --output-file=requirements-load.txt pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) --output-file=requirements-uv.txt requirements-uv.in
	$(CHECK_LOCK)

# What CI runs first: the locks agree with pyproject.toml, the closure of the installed sets
# checked from the installed packages' own metadata (.ci/check_lock.py says how).
check-lock: $(VENV)/.installed-dev
	$(CHECK_LOCK) --installed requirements.txt --installed requirements-dev.txt \
	  --installed requirements-uv.txt

# The demo: DEBUG off, the product's own error pages, plain http on localhost (NAVIGATOR_DEMO,
# see navigator/settings.py). Python keeps the bytecode it compiles (in .venv/ and __pycache__/,
# both ignored by git) even where the environment says not to, as this machine kind's does with
# PYTHONDONTWRITEBYTECODE: else each of the run's processes compiles Django again, seconds each.
DEMO := NAVIGATOR_DEMO=1 PYTHONDONTWRITEBYTECODE=
run: setup-run
	$(DEMO) $(BIN)/python manage.py seed_demo --migrate --skip-checks
	@echo ""
	@echo "Navigator is starting at http://localhost:$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@echo "Mail the demo sends is written to $${NAVIGATOR_VAR_DIR:-var}/emails/, text messages to $${NAVIGATOR_VAR_DIR:-var}/sms/."
	@echo ""
	$(DEMO) NAVIGATOR_BASE_URL=$${NAVIGATOR_BASE_URL:-http://localhost:$(PORT)} $(BIN)/honcho -f Procfile.dev start -p $(PORT)

# Debian's chromium for the browser tests (never a browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium first: sudo apt-get install -y chromium"; exit 1; fi; }

# Debian's faketime, which moves a process's clock (test-other-date).
faketime:
	@command -v faketime >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq faketime >/dev/null; \
	  else echo "Install Debian's faketime first: sudo apt-get install -y faketime"; exit 1; fi; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Tests marked redis need Redis as the broker, and those marked faults stop and start servers of
# their own (PostgreSQL, Redis, gunicorn): both run in test-postgres.
test: setup chromium lint
	SECRET_KEY=test-only-not-a-secret $(BIN)/pytest -m "not redis and not faults" $(PYTEST_ARGS)

# The SQLite suite again with the whole process tree's clock (pytest, the Celery workers it
# starts, the browser) moved far from today: no test may depend on the real date. The default
# instant is New Year's Eve in the team's time zone and already New Year's Day (a holiday) in UTC.
OTHER_DATE ?= 2036-01-01 04:30:00
test-other-date: setup chromium faketime
	SECRET_KEY=test-only-not-a-secret faketime '$(OTHER_DATE)' $(BIN)/pytest -m "not redis and not faults" $(PYTEST_ARGS)

# The same suite against PostgreSQL (and Redis for the Celery tests), as CI runs it.
test-postgres: setup chromium faketime
	SECRET_KEY=test-only-not-a-secret \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/navigator} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} \
	$(BIN)/pytest $(PYTEST_ARGS)

# The real-worker reminder tests (marked celery_worker) with RabbitMQ as the broker, in a vhost
# of their own (made with rabbitmqctl where it can be, as root), on PostgreSQL.
RABBITMQ_VHOST ?= navigator_test
test-rabbitmq: setup
	@if command -v rabbitmqctl >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  rabbitmqctl -q list_vhosts | grep -qx '$(RABBITMQ_VHOST)' || rabbitmqctl -q add_vhost '$(RABBITMQ_VHOST)'; \
	  rabbitmqctl -q set_permissions -p '$(RABBITMQ_VHOST)' guest '.*' '.*' '.*'; fi
	SECRET_KEY=test-only-not-a-secret \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/navigator} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672/$(RABBITMQ_VHOST)} \
	$(BIN)/pytest -m "celery_worker and not faults" $(PYTEST_ARGS)

# Security checks: bandit on the project's code (any finding is justified where it stands with
# `# nosec <id>`), then pip-audit on the installed dependency set. pip-audit asks PyPI's
# vulnerability service about every package; --strict makes "could not audit" a failure, so an
# unreachable service fails loudly instead of passing.
audit: bandit pip-audit

bandit: setup
	$(BIN)/bandit -c pyproject.toml -r cases navigator manage.py -q

pip-audit: setup
	$(BIN)/pip-audit --skip-editable --strict --progress-spinner off

benchmark: setup
	SECRET_KEY=benchmark-only $(BIN)/python manage.py benchmark $(BENCHMARK_ARGS)

# gunicorn on PostgreSQL under 50 simulated users for 60 s (see the README's Scale section).
loadtest: $(VENV)/.installed-load
	bash loadtest/run.sh

clean:
	rm -rf $(VENV) var
