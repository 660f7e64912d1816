#!/usr/bin/env bash
# How long `make run` takes from a fresh clone until the login page first answers (issue #17's
# "under 30 s"; the README's run section has the figures). Usage:
#
#   bash .ci/time_make_run.sh [RUNS] [PORT]      # defaults: 3 runs, port 8000
#
# Each run clones the repository's committed HEAD into a new folder under /tmp (commit first:
# the clone has no uncommitted change), starts `make run PORT=...` there in a process group of
# its own, asks for /accounts/login/ every 0.1 s from the moment make starts, and prints the
# seconds until the first 200, the CPU time (user + system) the group's processes had used by
# then (comparable however busy the machine is), the load average, and when make's output
# reached each phase (the install's commands, the migration, the logins, the web start). Then
# it stops the whole group (honcho, the web server, the worker and its beat) and removes the
# clone. The package caches (uv's, and the installer's wheel in ~/.cache/navigator) are the
# user's own, warm after the first install on the machine. Needs curl, setsid, perl and bc.
set -euo pipefail

runs=${1:-3}
port=${2:-8000}
repo=$(git rev-parse --show-toplevel)
url="http://127.0.0.1:$port/accounts/login/"

for run in $(seq 1 "$runs"); do
    if curl -s -o /dev/null "$url"; then
        echo "Something already answers on port $port; choose another: $0 $runs PORT" >&2
        exit 1
    fi
    clone=$(mktemp -d /tmp/runclone-XXXXXX)
    git clone --quiet "$repo" "$clone"
    log="$clone.log"
    start=$(date +%s.%N)
    # A process group of its own (setsid), so the stop below ends every process make started.
    # Each line of make's output is stamped with the seconds since the start.
    (cd "$clone" && T0=$start exec setsid bash -c 'make run PORT="$1" 2>&1 |
        perl -MTime::HiRes=time -pe "BEGIN { \$| = 1 } \$_ = sprintf(q(%6.1f %s), time - \$ENV{T0}, \$_)"' \
        _ "$port" >"$log") &
    make_pid=$!
    code=000
    while [ "$code" != 200 ]; do
        if ! kill -0 "$make_pid" 2>/dev/null; then
            echo "make run stopped before the page answered; its output:" >&2
            cat "$log" >&2
            rm -rf "$clone" "$log"
            exit 1
        fi
        sleep 0.1
        code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
    done
    end=$(date +%s.%N)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    # Every process make started, by parent: honcho starts each of its processes in a session
    # of its own, out of make's process group.
    tree=$make_pid
    while :; do
        more=$(ps -eo pid=,ppid= | awk -v tree=" $tree " \
            'index(tree, " " $2 " ") && !index(tree, " " $1 " ") { printf " %s", $1 }')
        [ -n "$more" ] || break
        tree="$tree$more"
    done
    # Their CPU time (user + system), which the machine's other load does not inflate: each
    # live process with the children it has reaped (fields 14-17 of /proc/PID/stat).
    ticks=0
    for pid in $tree; do
        t=$( (sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 + $14 + $15 }') 2>/dev/null || true)
        ticks=$((ticks + ${t:-0}))
    done
    cpu=$(echo "scale=1; $ticks / $(getconf CLK_TCK)" | bc)
    # shellcheck disable=SC2086
    kill -TERM $tree 2>/dev/null || true
    sleep 2
    # shellcheck disable=SC2086
    kill -KILL $tree 2>/dev/null || true
    wait "$make_pid" 2>/dev/null || true
    printf 'run %s: first 200 after %.1f s, %s s of CPU (load average %s)\n' \
        "$run" "$(echo "$end - $start" | bc)" "$cpu" "$load"
    # The phases: the install's commands, the migration's start, the logins, the web start.
    grep -E 'venv|uv pip install|check_lock|seed_demo|Operations to perform|Demo logins|honcho' "$log" |
        cut -c1-110 | sed 's/^/    /' || true
    rm -rf "$clone" "$log"
done
