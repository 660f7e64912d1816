# The two commands: `make run` (the product, embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup run test test-postgres test-rabbitmq test-other-date lint audit bandit pip-audit chromium faketime benchmark loadtest clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Navigator is starting at http://localhost:$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@echo ""
	DEBUG=1 NAVIGATOR_BASE_URL=$${NAVIGATOR_BASE_URL:-http://localhost:$(PORT)} $(BIN)/honcho -f Procfile.dev start -p $(PORT)

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
loadtest: setup
	$(BIN)/pip install --quiet -e '.[load]'
	bash loadtest/run.sh

clean:
	rm -rf $(VENV) var
