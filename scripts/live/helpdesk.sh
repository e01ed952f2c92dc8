#!/usr/bin/env bash
# A throwaway django-helpdesk on 127.0.0.1 for the live tests: a venv with
# pinned versions (helpdesk/requirements.txt), a minimal Django project on
# SQLite in a temp dir, gunicorn.
#
#   scripts/live/helpdesk.sh start [DIR]   make the venv if missing, migrate,
#                                          seed, start gunicorn; print the env
#   scripts/live/helpdesk.sh stop DIR      stop the server started in DIR
#
# `start` prints shell assignments (and writes them to DIR/env):
#   DESKTERM_HELPDESK_URL, DESKTERM_HELPDESK_TOKEN (staff agent alice),
#   DESKTERM_HELPDESK_TOKEN_BOB, DESKTERM_HELPDESK_ALICE_ID, _BOB_ID,
#   DESKTERM_HELPDESK_IT_QUEUE, DESKTERM_HELPDESK_FACILITIES_QUEUE
# The venv lives in DESKTERM_HELPDESK_VENV (default: a folder under /tmp
# named after the requirements' hash), so a second start skips pip.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT="$HERE/helpdesk"
# shellcheck source=scripts/live/lib.sh
. "$HERE/lib.sh"

log() { printf 'helpdesk.sh: %s\n' "$*" >&2; }

venv() {
    local hash
    hash=$(sha256sum "$PROJECT/requirements.txt" | cut -c1-12)
    local venv=${DESKTERM_HELPDESK_VENV:-/tmp/deskterm-helpdesk-venv-$hash}
    if [ ! -x "$venv/bin/gunicorn" ]; then
        log "making the venv $venv (pip, pinned versions)"
        rm -rf "$venv"
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q --disable-pip-version-check -r "$PROJECT/requirements.txt" >&2
    fi
    echo "$venv"
}

start() {
    local dir=${1:-}
    if [ -z "$dir" ]; then
        dir=$(mktemp -d /tmp/deskterm-helpdesk.XXXXXX)
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    local venv
    venv=$(venv)
    export DESKTERM_HELPDESK_DIR="$dir"
    export DJANGO_SETTINGS_MODULE=settings
    export PYTHONPATH="$PROJECT"
    # Nothing written into the checkout: no bytecode, and the server and the
    # seed run in the temp folder.
    export PYTHONDONTWRITEBYTECODE=1
    log "migrating the database in $dir"
    "$venv/bin/django-admin" migrate --no-input > "$dir/migrate.log" 2>&1 \
        || { cat "$dir/migrate.log" >&2; exit 1; }
    log "creating queues, agents, tokens and tickets"
    (cd "$dir" && "$venv/bin/python" "$PROJECT/seed.py") > "$dir/seeded" 2> "$dir/seed.log" \
        || { cat "$dir/seed.log" >&2; exit 1; }
    # shellcheck disable=SC1091
    . "$dir/seeded"

    local port
    port=$(free_port)
    log "starting gunicorn on 127.0.0.1:$port"
    # --no-control-socket: instances would otherwise share ~/.gunicorn.
    setsid "$venv/bin/gunicorn" --bind "127.0.0.1:$port" --workers 2 --no-control-socket \
        --chdir "$dir" --pythonpath "$PROJECT" --error-logfile "$dir/server.log" wsgi:application \
        > "$dir/server.out" 2>&1 < /dev/null &
    echo $! > "$dir/gunicorn.pid"

    local url="http://127.0.0.1:$port"
    for _ in $(seq 1 300); do
        if curl -fsS -o /dev/null -H "Authorization: Token $HELPDESK_ALICE_TOKEN" \
            "$url/api/tickets/?page_size=1" 2>/dev/null; then
            {
                echo "export DESKTERM_HELPDESK_URL=$url"
                echo "export DESKTERM_HELPDESK_TOKEN=$HELPDESK_ALICE_TOKEN"
                echo "export DESKTERM_HELPDESK_TOKEN_BOB=$HELPDESK_BOB_TOKEN"
                echo "export DESKTERM_HELPDESK_ALICE_ID=$HELPDESK_ALICE_ID"
                echo "export DESKTERM_HELPDESK_BOB_ID=$HELPDESK_BOB_ID"
                echo "export DESKTERM_HELPDESK_IT_QUEUE=$HELPDESK_IT_QUEUE"
                echo "export DESKTERM_HELPDESK_FACILITIES_QUEUE=$HELPDESK_FACILITIES_QUEUE"
                echo "export DESKTERM_HELPDESK_DIR=$dir"
            } | tee "$dir/env"
            return
        fi
        if ! kill -0 "$(cat "$dir/gunicorn.pid")" 2>/dev/null; then
            cat "$dir/server.log" "$dir/server.out" >&2
            log "gunicorn stopped before answering"
            exit 1
        fi
        sleep 0.1
    done
    cat "$dir/server.log" >&2
    log "gunicorn did not answer within 30 s"
    exit 1
}

stop() {
    local dir=${1:?usage: helpdesk.sh stop DIR}
    stop_pid_file "$dir/gunicorn.pid"
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start [DIR] | stop DIR" >&2; exit 2 ;;
esac
