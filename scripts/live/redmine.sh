#!/usr/bin/env bash
# A throwaway Redmine on 127.0.0.1 for the live tests: Debian's packages
# (redmine 5.0 with redmine-sqlite), SQLite and every file in a temp dir,
# WEBrick; the REST API on, seeded by redmine-seed.rb.
#
#   scripts/live/redmine.sh start [DIR]   install what is missing (as root),
#                                         migrate, seed, serve; print the env
#   scripts/live/redmine.sh stop DIR      stop the server started in DIR
#
# Debian's Redmine reads an instance's database.yml, configuration.yml,
# secret, logs and cache from /var/lib/redmine/NAME (its multi-tenancy,
# REDMINE_INSTANCE=NAME); NAME is a link to DIR, so nothing in /etc is read.
#
# `start` prints shell assignments (and writes them to DIR/env):
#   DESKTERM_REDMINE_URL, DESKTERM_REDMINE_KEY (agent alice), _KEY_BOB (agent),
#   _KEY_CAROL (a requester, a reporter in both projects), _KEY_DAVE (no
#   member of any project), DESKTERM_REDMINE_SUPPORT / _FACILITIES (project
#   ids), DESKTERM_REDMINE_DIR
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REDMINE=/usr/share/redmine
# shellcheck source=scripts/live/lib.sh
. "$HERE/lib.sh"

log() { printf 'redmine.sh: %s\n' "$*" >&2; }

install_redmine() {
    if [ -e "$REDMINE/config/environment.rb" ] && ruby -e 'require "webrick"; require "sqlite3"' 2>/dev/null \
        && command -v curl >/dev/null; then
        return
    fi
    if [ "$(id -u)" != 0 ]; then
        log "redmine is missing and installing it needs root"
        exit 1
    fi
    log "installing redmine, redmine-sqlite, ruby-webrick"
    # The package's questions take their defaults (dbconfig-common makes
    # its default instance a SQLite database, unused here: the instance
    # this script starts has its own).
    export DEBIAN_FRONTEND=noninteractive
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends redmine redmine-sqlite ruby-webrick curl >&2
}

start() {
    local dir=${1:-}
    if [ -z "$dir" ]; then
        dir=$(mktemp -d /tmp/deskterm-redmine.XXXXXX)
    fi
    mkdir -p "$dir"/{config,files,log,tmp/cache,public}
    dir=$(cd "$dir" && pwd)
    install_redmine
    local instance
    instance="deskterm-$(basename "$dir")"
    ln -sfn "$dir" "/var/lib/redmine/$instance"
    echo "$instance" > "$dir/instance"
    cat > "$dir/config/database.yml" <<CONF
production:
  adapter: sqlite3
  database: $dir/redmine.sqlite
  timeout: 5000
CONF
    cat > "$dir/config/configuration.yml" <<CONF
production:
  attachments_storage_path: $dir/files
  email_delivery:
    delivery_method: :test
CONF
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/config/secret_key.txt"
    export REDMINE_INSTANCE=$instance RAILS_ENV=production REDMINE_LANG=en
    # SQLite has refused a write now and then as "locked" while seeding: a
    # failed seed starts again from an empty database, up to three times.
    local attempt
    for attempt in 1 2 3; do
        rm -f "$dir/redmine.sqlite"
        log "migrating the database in $dir"
        (cd "$REDMINE" && bin/rake db:migrate && bin/rake redmine:load_default_data) \
            > "$dir/migrate.log" 2>&1 || { cat "$dir/migrate.log" >&2; exit 1; }
        log "creating projects, agents, keys and issues"
        if (cd "$REDMINE" && bin/rails runner "$HERE/redmine-seed.rb") > "$dir/seeded" 2> "$dir/seed.log"; then
            break
        fi
        if [ "$attempt" = 3 ]; then
            cat "$dir/seed.log" >&2
            exit 1
        fi
        log "the seed failed ($(grep -m1 -o 'database is locked\|[A-Za-z:]*Error' "$dir/seed.log" || echo see seed.log)); again"
    done
    # shellcheck disable=SC1091
    . "$dir/seeded"

    local port
    port=$(free_port)
    log "starting Redmine (WEBrick) on 127.0.0.1:$port"
    setsid ruby -rwebrick "$HERE/redmine-server.rb" "$port" > "$dir/server.log" 2>&1 < /dev/null &
    echo $! > "$dir/server.pid"

    local url="http://127.0.0.1:$port"
    for _ in $(seq 1 600); do
        if curl -fsS -o /dev/null -H "X-Redmine-API-Key: $REDMINE_ALICE_KEY" \
            "$url/issues.json?limit=1" 2>/dev/null; then
            {
                echo "export DESKTERM_REDMINE_URL=$url"
                echo "export DESKTERM_REDMINE_KEY=$REDMINE_ALICE_KEY"
                echo "export DESKTERM_REDMINE_KEY_BOB=$REDMINE_BOB_KEY"
                echo "export DESKTERM_REDMINE_KEY_CAROL=$REDMINE_CAROL_KEY"
                echo "export DESKTERM_REDMINE_KEY_DAVE=$REDMINE_DAVE_KEY"
                echo "export DESKTERM_REDMINE_SUPPORT=$REDMINE_SUPPORT_ID"
                echo "export DESKTERM_REDMINE_FACILITIES=$REDMINE_FACILITIES_ID"
                echo "export DESKTERM_REDMINE_DIR=$dir"
            } | tee "$dir/env"
            return
        fi
        if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
            cat "$dir/server.log" >&2
            log "Redmine stopped before answering"
            exit 1
        fi
        sleep 0.1
    done
    cat "$dir/server.log" >&2
    log "Redmine did not answer within 60 s"
    exit 1
}

stop() {
    local dir=${1:?usage: redmine.sh stop DIR}
    stop_pid_file "$dir/server.pid"
    if [ -f "$dir/instance" ]; then
        rm -f "/var/lib/redmine/$(cat "$dir/instance")"
    fi
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start [DIR] | stop DIR" >&2; exit 2 ;;
esac
