#!/usr/bin/env bash
# `make loadtest`: gunicorn with several workers on PostgreSQL, driven by locust from a separate
# process over loopback for a bounded time; prints requests/s, p50/p95/p99 and the error count.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/navigator_loadtest}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export SECRET_KEY="${SECRET_KEY:-loadtest-only-not-a-secret}"
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1
# As in production behind the reverse proxy that ends TLS: the proxy's X-Forwarded-Proto (sent
# by the locust users) marks requests as HTTPS, so they are not redirected.
export BEHIND_HTTPS_PROXY=true
export DATABASE_CONN_MAX_AGE="${DATABASE_CONN_MAX_AGE:-60}"
PORT="${LOADTEST_PORT:-8750}"
USERS="${LOADTEST_USERS:-50}"
DURATION="${LOADTEST_DURATION:-60s}"
WORKERS="${LOADTEST_WORKERS:-4}"
CASES="${LOADTEST_CASES:-100000}"

case "$DATABASE_URL" in
  postgres*) ;;
  *) echo "The load test runs on PostgreSQL: set DATABASE_URL=postgres://..." >&2; exit 2 ;;
esac

"$BIN/python" loadtest/prepare.py "$CASES" "$USERS"
"$BIN/python" manage.py collectstatic --noinput --verbosity 0

mkdir -p var
"$BIN/gunicorn" navigator.wsgi --config gunicorn.conf.py --bind "127.0.0.1:$PORT" \
  --workers "$WORKERS" --access-logfile var/loadtest-access.log &
GUNICORN_PID=$!
trap 'kill "$GUNICORN_PID" 2>/dev/null; wait "$GUNICORN_PID" 2>/dev/null || true' EXIT

for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "gunicorn did not come up" >&2; exit 1; }

echo "== $USERS users for $DURATION against gunicorn ($WORKERS workers) on 127.0.0.1:$PORT"
"$BIN/locust" -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate 10 \
  --run-time "$DURATION" --host "http://127.0.0.1:$PORT" --only-summary --loglevel WARNING
