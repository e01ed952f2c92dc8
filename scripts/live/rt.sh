#!/usr/bin/env bash
# A throwaway Request Tracker 5 on 127.0.0.1 for the live tests: Debian's
# packages, SQLite in a temp dir, no /etc changes, no mail server.
#
#   scripts/live/rt.sh start [DIR]   install what is missing, configure, seed,
#                                    start rt-server; print the env to use
#   scripts/live/rt.sh stop DIR      stop the server started in DIR
#
# `start` prints shell assignments (and writes them to DIR/env):
#   DESKTERM_RT_URL, DESKTERM_RT_TOKEN (agent alice), DESKTERM_RT_TOKEN_BOB,
#   DESKTERM_RT_DIR, and the same RT behind TLS from a private CA:
#   DESKTERM_RT_TLS_URL (https://localhost:PORT) and DESKTERM_RT_CA_FILE
set -euo pipefail

RT_LIB=/usr/share/request-tracker5/lib
RT_SERVER=/usr/share/request-tracker5/libexec/rt-server
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/live/lib.sh
. "$HERE/lib.sh"

log() { printf 'rt.sh: %s\n' "$*" >&2; }

install_rt() {
    if [ -x /usr/sbin/rt-setup-database-5 ] && [ -x "$RT_SERVER" ] \
        && [ -e "$RT_LIB/RT/Handle.pm" ] && command -v curl >/dev/null && command -v openssl >/dev/null \
        && command -v rt >/dev/null \
        && perl -e 'use DBD::SQLite' 2>/dev/null; then
        return
    fi
    if [ "$(id -u)" != 0 ]; then
        log "request-tracker5 is missing and installing it needs root"
        exit 1
    fi
    log "installing request-tracker5, rt5-db-sqlite, rt5-standalone, rt5-clients"
    export DEBIAN_FRONTEND=noninteractive
    debconf-set-selections <<'SEL'
request-tracker5 request-tracker5/dbconfig-install boolean false
request-tracker5 request-tracker5/install-cronjobs boolean false
exim4-config exim4/dc_eximconfig_configtype select local delivery only; not on a network
SEL
    # Package scripts must not start daemons.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends \
        request-tracker5 rt5-db-sqlite rt5-standalone rt5-clients sqlite3 curl openssl >&2
}

# A private CA and a certificate for localhost and 127.0.0.1 it signed.
make_certificates() {
    local tls=$1
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=deskterm live test CA" \
        -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$tls/san.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
        -CAcreateserial -days 2 -extfile "$tls/san.ext" -out "$tls/server.pem" 2>/dev/null
}

start() {
    local dir=${1:-}
    if [ -z "$dir" ]; then
        dir=$(mktemp -d /tmp/deskterm-rt.XXXXXX)
    fi
    mkdir -p "$dir/site.d"
    dir=$(cd "$dir" && pwd)
    install_rt
    local port
    port=$(free_port)
    cat > "$dir/RT_SiteConfig.pm" <<CONF
Set(\$rtname, 'deskterm-live');
Set(\$Organization, 'deskterm.test');
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$dir/rt.sqlite');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $port);
Set(\$WebPath, '');
Set(\$WebBaseURL, 'http://127.0.0.1:$port');
Set(\$LogToSTDERR, 'warning');
Set(\$LogToSyslog, undef);
Set(\$LogToFile, undef);
Set(\$BcryptCost, 4);
# The seed has a 15 MB attachment; RT keeps 10 MiB by default.
Set(\$MaxAttachmentSize, 32*1024*1024);
Set(\$MailCommand, sub { open(my \$fh, '>>', '$dir/mail.log'); print \$fh join('', @_), "\n"; close(\$fh); });
Set(%ServiceAgreements, (
    Default => '4h',
    QueueDefault => { 'IT' => '4h' },
    Levels => {
        '4h' => { StartImmediately => 1, Response => { RealMinutes => 240 }, Resolve => { RealMinutes => 1440 } },
    },
));
1;
CONF
    export RT_SITE_CONFIG="$dir/RT_SiteConfig.pm"
    export RT_SITE_CONFIG_DIR="$dir/site.d"
    printf 'live-root-%s\n' "$port" > "$dir/root-password"
    log "initialising the database in $dir"
    /usr/sbin/rt-setup-database-5 --action init --skip-create \
        --root-password-file "$dir/root-password" > "$dir/setup.log" 2>&1 \
        || { cat "$dir/setup.log" >&2; exit 1; }

    log "creating queues, agents, tokens and tickets"
    perl -I"$RT_LIB" "$HERE/rt-seed.pl" > "$dir/tokens" 2> "$dir/seed.log" \
        || { cat "$dir/seed.log" >&2; exit 1; }
    # shellcheck disable=SC1091
    . "$dir/tokens"

    log "starting rt-server on 127.0.0.1:$port"
    setsid "$RT_SERVER" --host 127.0.0.1 --port "$port" --max-workers 4 \
        > "$dir/server.log" 2>&1 < /dev/null &
    echo $! > "$dir/rt.pid"

    make_certificates "$dir/tls"
    local tls_port
    tls_port=$(free_port)
    setsid python3 "$HERE/tls-proxy.py" "$tls_port" "$dir/tls/server.pem" "$dir/tls/server.key" \
        "$port" > "$dir/tls-proxy.log" 2>&1 < /dev/null &
    echo $! > "$dir/tls-proxy.pid"

    local url="http://127.0.0.1:$port"
    local tls_url="https://localhost:$tls_port"
    for _ in $(seq 1 300); do
        if curl -fsS -o /dev/null -H "Authorization: token $ALICE_TOKEN" "$url/REST/2.0/rt" 2>/dev/null \
            && curl -fsS -o /dev/null --cacert "$dir/tls/ca.pem" \
                -H "Authorization: token $ALICE_TOKEN" "$tls_url/REST/2.0/rt" 2>/dev/null; then
            {
                echo "export DESKTERM_RT_URL=$url"
                echo "export DESKTERM_RT_TOKEN=$ALICE_TOKEN"
                echo "export DESKTERM_RT_TOKEN_BOB=$BOB_TOKEN"
                echo "export DESKTERM_RT_DIR=$dir"
                echo "export DESKTERM_RT_TLS_URL=$tls_url"
                echo "export DESKTERM_RT_CA_FILE=$dir/tls/ca.pem"
            } | tee "$dir/env"
            return
        fi
        if ! kill -0 "$(cat "$dir/rt.pid")" 2>/dev/null; then
            cat "$dir/server.log" >&2
            log "rt-server stopped before answering"
            exit 1
        fi
        sleep 0.1
    done
    cat "$dir/server.log" >&2
    log "rt-server did not answer within 30 s"
    exit 1
}

stop() {
    local dir=${1:?usage: rt.sh stop DIR}
    stop_pid_file "$dir/tls-proxy.pid"
    # TERM, not INT: INT makes rt-server run a chown -R on the way out.
    stop_pid_file "$dir/rt.pid"
}

# A queue "Backlog" of N tickets (default 1000) for the benchmarks.
bulk() {
    local dir=${1:?usage: rt.sh bulk DIR [N]}
    log "filling the Backlog queue with ${2:-1000} tickets"
    RT_SITE_CONFIG="$dir/RT_SiteConfig.pm" RT_SITE_CONFIG_DIR="$dir/site.d" \
        perl -I"$RT_LIB" "$HERE/rt-bulk.pl" "${2:-1000}" 2> "$dir/bulk.log" \
        || { cat "$dir/bulk.log" >&2; exit 1; }
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop "${2:-}" ;;
    bulk) bulk "${2:-}" "${3:-}" ;;
    *) echo "usage: $0 start [DIR] | stop DIR | bulk DIR [N]" >&2; exit 2 ;;
esac
