# Shared helpers of the benchmark and fault scripts. Source it; do not run it.
#
# Environment (all optional):
#   BENCH_WORK      scratch directory for logs, load logs and the private PostgreSQL (/tmp/audience-relay-bench)
#   BENCH_PG        "own" (default): a private PostgreSQL cluster under $BENCH_WORK on port $BENCH_PG_PORT,
#                   created with initdb, tuned for the benchmark and restarted freely by the fault scenarios;
#                   "system": the machine's cluster at 127.0.0.1:5432 (restarted with pg_ctlcluster).
#   BENCH_PG_PORT   port of the private cluster (55432)
#   BENCH_PORT      HTTP port of the service (18080; a second instance uses BENCH_PORT+1)
#   FAKE_PORT       HTTP port of the fake Pendula (18090)
#   BENCH_REBUILD   1 to rebuild the service jar even when it looks current
#   BENCH_JAR       run this jar instead of building target/quarkus-app/quarkus-run.jar
#   BENCH_SERVICE_ENV  extra KEY=VALUE pairs (space separated) passed to every service instance

set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_WORK="${BENCH_WORK:-/tmp/audience-relay-bench}"
BENCH_PG="${BENCH_PG:-own}"
BENCH_PORT="${BENCH_PORT:-18080}"
FAKE_PORT="${FAKE_PORT:-18090}"
BENCH_DB="${BENCH_DB:-relay_bench}"
ADMIN_TOKEN="bench-admin-token"
WRITE_KEY="bench-write-key"
SECRETS_KEY="$(head -c 32 /dev/urandom | base64)"
JAR="${BENCH_JAR:-$REPO_DIR/target/quarkus-app/quarkus-run.jar}"
SMOKE=0

declare -A SERVICE_PIDS=()
FAKE_PID=""
mkdir -p "$BENCH_WORK"
chmod 755 "$BENCH_WORK"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# --- tools -------------------------------------------------------------------------------------

# Installs the Debian packages behind the given commands when they are missing (wrk, jq, curl).
ensure_tools() {
    local missing=()
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    if ((${#missing[@]} > 0)); then
        log "installing ${missing[*]} with apt-get"
        apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# Sets JAVA to a java 21+ binary: $JAVA_HOME if it is new enough, else the newest JDK under /usr/lib/jvm.
pick_jdk() {
    local candidate version
    for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
        [[ -n "$candidate" && -x "$candidate/bin/java" ]] || continue
        version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 |
            awk -F= '/java.specification.version/ {gsub(/ /, "", $2); print $2}')
        if [[ "${version%%.*}" -ge 21 ]]; then
            export JAVA_HOME="${candidate%/}"
            JAVA="$JAVA_HOME/bin/java"
            JAVA_MAJOR="${version%%.*}"
            return
        fi
    done
    die "no JDK 21 or newer found (set JAVA_HOME)"
}

# Builds the service jar when it is missing or older than the sources.
build_jar() {
    if [[ -n "${BENCH_JAR:-}" ]]; then
        [[ -f "$BENCH_JAR" ]] || die "BENCH_JAR $BENCH_JAR does not exist"
        return
    fi
    if [[ "${BENCH_REBUILD:-0}" != 1 && -f "$JAR" ]] &&
        [[ -z "$(find "$REPO_DIR/src/main" "$REPO_DIR/pom.xml" -newer "$JAR" -print -quit)" ]]; then
        return
    fi
    log "building the service jar (./mvnw package -DskipTests)"
    local maven_opts="--enable-native-access=ALL-UNNAMED"
    # Quiets Maven's use of sun.misc.Unsafe; the option exists from JDK 23 on.
    ((JAVA_MAJOR >= 23)) && maven_opts+=" --sun-misc-unsafe-memory-access=allow"
    (cd "$REPO_DIR" && MAVEN_OPTS="$maven_opts" ./mvnw -B -q package -DskipTests >"$BENCH_WORK/build.log" 2>&1) ||
        die "build failed, see $BENCH_WORK/build.log"
}

# Common start of every script: options, tools, JDK, jar, PostgreSQL, cleanup on exit.
bench_init() {
    local arg
    for arg in "$@"; do
        case "$arg" in
            --smoke) SMOKE=1 ;;
        esac
    done
    ensure_tools curl jq
    pick_jdk
    build_jar
    pg_init
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    local name
    for name in "${!SERVICE_PIDS[@]}"; do
        service_stop "$name" || true
    done
    fake_stop || true
    pg_cleanup || true
}

port_free() { ! ss -ltn "sport = :$1" | grep -q LISTEN; }

# --- PostgreSQL ----------------------------------------------------------------------------------

as_postgres() {
    if [[ $(id -u) == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_init() {
    if [[ "$BENCH_PG" == system ]]; then
        PGPORT=5432
        PGBIN="$(dirname "$(command -v pgbench)")"
    else
        PGPORT="${BENCH_PG_PORT:-55432}"
        PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
        [[ -x "$PGBIN/initdb" ]] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
        PGROOT="$BENCH_WORK/pg"
        PGDATA="$PGROOT/data"
        [[ -f "$PGDATA/PG_VERSION" ]] || pg_create_cluster
        pg_start
    fi
    export PGHOST=127.0.0.1 PGPORT PGUSER=postgres
    local i
    for i in $(seq 1 30); do
        "$PGBIN/pg_isready" -q && return
        sleep 1
    done
    die "PostgreSQL at 127.0.0.1:$PGPORT does not answer"
}

# A private cluster: enough connections for pgbench at 256 clients, pg_stat_statements loaded,
# TCP on loopback only. Durability settings stay at their defaults (fsync, synchronous_commit on).
pg_create_cluster() {
    log "creating a private PostgreSQL cluster in $PGDATA (port $PGPORT)"
    mkdir -p "$PGDATA"
    chown -R postgres: "$PGROOT" 2>/dev/null || true
    chmod 700 "$PGDATA"
    as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >"$BENCH_WORK/initdb.log"
    cat >>"$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = ''
max_connections = 400
shared_buffers = 512MB
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
logging_collector = off
EOF
}

pg_start() {
    [[ "$BENCH_PG" == system ]] && { pg_ctlcluster --skip-systemctl-redirect 15 main start || true; return; }
    if ! as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
        as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGROOT/postgres.log" -w start >/dev/null
    fi
}

pg_stop() {
    if [[ "$BENCH_PG" == system ]]; then
        pg_ctlcluster --skip-systemctl-redirect 15 main stop -m fast
    else
        as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    fi
}

pg_cleanup() {
    [[ "$BENCH_PG" == own && "${BENCH_KEEP_PG:-0}" != 1 ]] && pg_stop
}

# Pid of the postmaster, to account the CPU time of all of PostgreSQL.
pg_postmaster_pid() {
    if [[ "$BENCH_PG" == system ]]; then
        head -1 /var/lib/postgresql/15/main/postmaster.pid
    else
        head -1 "$PGDATA/postmaster.pid"
    fi
}

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$BENCH_DB" "$@"; }

fresh_db() {
    PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force "$BENCH_DB"
    createdb "$BENCH_DB"
    if [[ "$BENCH_PG" == own ]]; then
        sql -c 'create extension if not exists pg_stat_statements' >/dev/null
    fi
}

has_pg_stat_statements() {
    [[ "$(sql -c "select count(*) from pg_extension where extname = 'pg_stat_statements'")" == 1 ]] &&
        [[ "$(sql -c "show shared_preload_libraries")" == *pg_stat_statements* ]]
}

# --- the service ---------------------------------------------------------------------------------

# service_start NAME PORT: starts one instance on the bench database and waits until it is ready.
service_start() {
    local name="$1" port="$2"
    port_free "$port" || die "port $port is in use"
    local extra=()
    [[ -n "${BENCH_SERVICE_ENV:-}" ]] && read -r -a extra <<<"$BENCH_SERVICE_ENV"
    env QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PGPORT/$BENCH_DB" \
        QUARKUS_DATASOURCE_USERNAME=postgres \
        QUARKUS_HTTP_PORT="$port" \
        RELAY_ADMIN_TOKEN="$ADMIN_TOKEN" \
        RELAY_SECRETS_KEY="$SECRETS_KEY" \
        RELAY_SEGMENT_WRITE_KEYS="$WRITE_KEY" \
        "${extra[@]}" \
        "$JAVA" -Xmx256m -jar "$JAR" >>"$BENCH_WORK/service-$name.log" 2>&1 &
    SERVICE_PIDS[$name]=$!
    local i
    for i in $(seq 1 120); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$port/q/health/ready" 2>/dev/null; then
            log "service '$name' ready on port $port (pid ${SERVICE_PIDS[$name]})"
            return
        fi
        kill -0 "${SERVICE_PIDS[$name]}" 2>/dev/null || die "service '$name' exited, see $BENCH_WORK/service-$name.log"
        sleep 0.5
    done
    die "service '$name' not ready after 60 s, see $BENCH_WORK/service-$name.log"
}

service_pid() { echo "${SERVICE_PIDS[$1]}"; }

# Graceful stop (SIGTERM), SIGKILL after 30 s.
service_stop() {
    local name="$1" pid="${SERVICE_PIDS[$1]:-}"
    [[ -n "$pid" ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        local i
        for i in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    wait "$pid" 2>/dev/null || true
    unset "SERVICE_PIDS[$name]"
}

service_kill() {
    local name="$1" pid="${SERVICE_PIDS[$1]}"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    unset "SERVICE_PIDS[$name]"
    log "service '$name' (pid $pid) killed with SIGKILL"
}

peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# --- fake Pendula --------------------------------------------------------------------------------

fake_start() {
    port_free "$FAKE_PORT" || die "port $FAKE_PORT is in use"
    # FAKE_JAVA_OPTS, e.g. -Dsun.net.httpserver.maxIdleConnections=200 to let the fake close idle connections.
    "$JAVA" -Xmx512m ${FAKE_JAVA_OPTS:-} "$BENCH_DIR/FakePendula.java" --port "$FAKE_PORT" "$@" >>"$BENCH_WORK/fake-pendula.log" 2>&1 &
    FAKE_PID=$!
    local i
    for i in $(seq 1 60); do
        curl -fsS -o /dev/null "http://127.0.0.1:$FAKE_PORT/stats" 2>/dev/null && return
        sleep 0.5
    done
    die "fake Pendula did not start, see $BENCH_WORK/fake-pendula.log"
}

fake_stop() {
    [[ -n "$FAKE_PID" ]] || return 0
    kill -TERM "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
    FAKE_PID=""
}

fake_stats() { curl -fsS "http://127.0.0.1:$FAKE_PORT/stats"; }
fake_dump() { curl -fsS "http://127.0.0.1:$FAKE_PORT/dump"; }
fake_config() { curl -fsS -X POST "http://127.0.0.1:$FAKE_PORT/config?$1" >/dev/null; }
fake_reset() { curl -fsS -X POST "http://127.0.0.1:$FAKE_PORT/reset" >/dev/null; }
flow_url() { echo "http://127.0.0.1:$FAKE_PORT/flow/$1"; }

# --- admin API -----------------------------------------------------------------------------------

# admin METHOD PATH [JSON]: answers the body; fails on a non-2xx answer.
admin() {
    local method="$1" path="$2" body="${3:-}" port="${ADMIN_PORT:-$BENCH_PORT}"
    local args=(-sS -X "$method" -H "Authorization: Bearer $ADMIN_TOKEN" -w '\n%{http_code}')
    [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data "$body")
    local answer code
    answer=$(curl "${args[@]}" "http://127.0.0.1:$port$path")
    code="${answer##*$'\n'}"
    answer="${answer%$'\n'*}"
    [[ "$code" == 2* ]] || die "admin $method $path answered $code: $answer"
    printf '%s' "$answer"
}

# create_destination NAME RATE_PER_SECOND: prints the id. Its flow URL is the fake's /flow/NAME.
create_destination() {
    admin POST /admin/destinations "$(jq -nc --arg name "$1" --arg url "$(flow_url "$1")" --argjson rate "$2" \
        '{name: $name, flowUrl: $url, authScheme: "BEARER", token: "bench-token-0000", rateLimitPerSecond: $rate}')" |
        jq -r .id
}

set_destination_rate() {
    local id="$1" name="$2" rate="$3"
    admin PUT "/admin/destinations/$id" "$(jq -nc --arg name "$name" --arg url "$(flow_url "$name")" --argjson rate "$rate" \
        '{name: $name, flowUrl: $url, authScheme: "BEARER", token: "bench-token-0000", rateLimitPerSecond: $rate}')" >/dev/null
}

# create_campaign NAME AUDIENCE DESTINATION_ID: prints the id.
create_campaign() {
    admin POST /admin/campaigns "$(jq -nc --arg name "$1" --arg audience "$2" --argjson destination "$3" \
        '{name: $name, audienceKey: $audience, destinationId: $destination, kind: "PERSISTENT"}')" | jq -r .id
}

campaign_action() { admin POST "/admin/campaigns/$1/$2" >/dev/null; }

# --- waiting and counting ------------------------------------------------------------------------

trigger_counts() {
    sql -c "select coalesce(string_agg(status || '=' || n, ' ' order by status), 'none')
            from (select status, count(*) n from flow_trigger group by status) s"
}

# wait_drained TIMEOUT_SECONDS: until no trigger is PENDING; prints the counts on the way.
wait_drained() {
    local timeout="$1" start=$SECONDS pending
    while true; do
        pending=$(sql -c "select count(*) from flow_trigger where status = 'PENDING'")
        ((pending == 0)) && return 0
        if ((SECONDS - start >= timeout)); then
            log "still $pending pending after ${timeout}s ($(trigger_counts))"
            return 1
        fi
        ((SECONDS % 10 == 0)) && log "draining: $(trigger_counts)"
        sleep 1
    done
}

# CPU time (clock ticks) of a process and of its children that have exited and been waited for.
cpu_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Machine-wide "busy idle" jiffies from /proc/stat, to tell whether anything else used the CPU.
machine_cpu() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }

# machine_busy_cores "BEFORE" "AFTER": cores busy on the whole machine between two machine_cpu readings.
machine_busy_cores() {
    awk -v b="$1" -v a="$2" -v n="$(nproc)" 'BEGIN { split(b, x, " "); split(a, y, " ")
        busy = y[1] - x[1]; idle = y[2] - x[2]; printf "%.2f", n * busy / (busy + idle) }'
}

# CPU ticks of the whole PostgreSQL cluster: postmaster, live backends, and ended ones.
pg_cpu_ticks() {
    local postmaster total child
    postmaster=$(pg_postmaster_pid)
    total=$(cpu_ticks "$postmaster")
    for child in $(pgrep -P "$postmaster"); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# check_exactly_once ACK_LOG ALLOW_SAME_KEY_REPEATS(0|1): compares the load generator's log
# (userId status sentMs answeredMs attempts) with what the fake Pendula accepted. Prints
#   acknowledged, delivered distinct, repeats with the same Idempotency-Key, people with two
#   different triggers, lost, and delivered but never acknowledged; returns 1 when something is lost,
#   someone got two triggers, or a key was repeated where no repeat is allowed.
check_exactly_once() {
    local ack_log="$1" allow_repeats="$2" dump="$BENCH_WORK/fake-dump.txt"
    fake_dump >"$dump"
    awk -v allow="$allow_repeats" '
        FNR == NR { if ($2 == 200) acked[$1] = 1; next }
        $3 > 0 { keys[$2]++; repeats += $3 - 1; if ($3 > 1) repeated_keys++ }
        END {
            for (u in acked) { n_acked++; if (u in keys) delivered++; else lost++ }
            for (u in keys) { if (keys[u] > 1) two_triggers++; if (!(u in acked)) unacked++ }
            printf "acknowledged=%d delivered_distinct=%d same_key_repeats=%d (keys=%d) two_triggers=%d lost=%d delivered_unacknowledged=%d\n",
                n_acked, delivered, repeats, repeated_keys, two_triggers, lost, unacked
            exit (lost > 0 || two_triggers > 0 || (repeats > 0 && allow != 1)) ? 1 : 0
        }' "$ack_log" "$dump"
}

# The per-key delivered count in the database, to cross-check the fake Pendula.
db_delivered_for_prefix() {
    sql -c "select count(*) from flow_trigger where status = 'DELIVERED' and profile_key like '$1-%'"
}

# wait_recorded PREFIX COUNT TIMEOUT: until COUNT events of a LoadGen run with that prefix are
# committed, so a fault is injected while the load is really flowing (the load generator's JVM
# may take seconds to start on a busy machine).
wait_recorded() {
    local deadline=$((SECONDS + $3))
    while (($(sql -c "select count(*) from processed_message where message_id like '$1-m-%'") < $2)); do
        ((SECONDS < deadline)) || { log "fewer than $2 events of '$1' recorded after $3 s"; return 1; }
        sleep 0.5
    done
}

# Largest number of attempts the service itself started towards one destination in any sliding
# second, from delivery_attempt.attempted_at (the senders' clocks, free of the fake's own jitter).
# max_attempts_per_sliding_second DESTINATION_ID [SINCE_TIMESTAMP]
max_attempts_per_sliding_second() {
    sql -c "select coalesce(max(n), 0) from (
                select count(*) over (order by a.attempted_at range between current row and interval '999999 microseconds' following) n
                from delivery_attempt a join flow_trigger t on t.id = a.trigger_id join campaign c on c.id = t.campaign_id
                where c.destination_id = $1 and a.attempted_at >= '${2:-epoch}'::timestamptz) w"
}

loadgen() { "$JAVA" "$BENCH_DIR/LoadGen.java" --url "http://127.0.0.1:${LOAD_PORT:-$BENCH_PORT}/segment" --write-key "$WRITE_KEY" "$@"; }

percentiles_of() {
    # stdin: one number per line; prints "p50 p99 max" of them.
    sort -n | awk '{v[NR] = $1} END {
        if (NR == 0) { print "NaN NaN NaN"; exit }
        i50 = int(NR * 0.50 + 0.999999); i99 = int(NR * 0.99 + 0.999999)
        printf "%s %s %s\n", v[i50], v[i99], v[NR] }'
}
