#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server.
#
#   scripts/with-postgres.sh cargo test -p leadpool-postgres
#
# Starts a fresh server (initdb in a temporary directory, listening on a free port of
# 127.0.0.1 only, trust authentication), exports DATABASE_URL for the command, and stops and
# removes the server when the command ends, however it ends. The command's exit status is the
# script's.
#
# As root (CI), the server runs as the `postgres` system user, since initdb refuses root.
#
# Environment:
#   PG_BINDIR          where initdb and pg_ctl are (default: pg_config --bindir, else the
#                      newest /usr/lib/postgresql/*/bin)
#   WITH_POSTGRES_DURABLE=1
#                      keep fsync and synchronous commit on (benchmarks); by default they are
#                      off, which is safe for throwaway test data and much faster
#   WITH_POSTGRES_KEEP_LOG=1
#                      print the server log when the command ends
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

find_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        echo "$PG_BINDIR"
        return
    fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return
        fi
    done
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir)"
        if [[ -x "$dir/initdb" ]]; then
            echo "$dir"
            return
        fi
    fi
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
    echo "with-postgres: no initdb found (install PostgreSQL or set PG_BINDIR)" >&2
    exit 1
}

BINDIR="$(find_bindir)"

# Who runs the server: ourselves, or the postgres user when we are root.
AS=()
if [[ "$(id -u)" -eq 0 ]]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "with-postgres: running as root and there is no 'postgres' user to run the server" >&2
        exit 1
    fi
    if command -v runuser >/dev/null 2>&1; then
        AS=(runuser -u postgres --)
    else
        AS=(su postgres -s /bin/sh -c)
    fi
fi

as_server() {
    # Runs "$@" as the server's user, from the data directory's parent (the caller's working
    # directory may not be readable by that user).
    if [[ ${#AS[@]} -eq 0 ]]; then
        (cd "$WORK" && "$@")
    elif [[ "${AS[0]}" == runuser ]]; then
        (cd "$WORK" && "${AS[@]}" "$@")
    else
        local quoted
        quoted="$(printf '%q ' "$@")"
        (cd "$WORK" && "${AS[@]}" "$quoted")
    fi
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/with-postgres.XXXXXX")"
chmod 700 "$WORK"
if [[ ${#AS[@]} -gt 0 ]]; then
    chown postgres: "$WORK"
fi
DATA="$WORK/data"
LOG="$WORK/server.log"
STARTED=0

cleanup() {
    local status=$?
    set +e
    if [[ "$STARTED" -eq 1 ]]; then
        if [[ "${WITH_POSTGRES_KEEP_LOG:-0}" == 1 ]]; then
            echo "== with-postgres: server log" >&2
            cat "$LOG" >&2
        fi
        as_server "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || as_server "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_server "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-instructions >"$WORK/initdb.log" 2>&1 || {
    # Older images may lack the C.UTF-8 locale.
    rm -rf "$DATA"
    as_server "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C \
        >"$WORK/initdb.log" 2>&1 || {
        cat "$WORK/initdb.log" >&2
        exit 1
    }
}

if [[ "${WITH_POSTGRES_DURABLE:-0}" == 1 ]]; then
    DURABILITY=()
else
    DURABILITY=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
fi

# A port nobody listens on; another process may take it before the server binds, so starting
# is tried a few times.
port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

PORT=""
for attempt in 1 2 3 4 5 6 7 8; do
    candidate=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_is_free "$candidate" || continue
    opts="-c listen_addresses=127.0.0.1 -c port=$candidate -c unix_socket_directories=$WORK"
    opts+=" -c max_connections=200 ${DURABILITY[*]}"
    if as_server "$BINDIR/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "$opts" start >/dev/null 2>&1; then
        PORT="$candidate"
        STARTED=1
        break
    fi
    # A failed start leaves no server; try another port.
    sleep 0.2
done
if [[ -z "$PORT" ]]; then
    echo "with-postgres: the server did not start; its log:" >&2
    cat "$LOG" >&2 2>/dev/null || true
    exit 1
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "with-postgres: PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (data in $DATA)" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
