#!/usr/bin/env bash
# Ingest scenario: single-event POST /segment requests (wrk, bench/segment.lua) at 16, 64 and 256
# connections, 30 s each, against the packaged service; then pgbench doing the same per-event SQL
# (bench/ingest.pgbench), one transaction per event, at the same concurrency; prints events/s,
# p50/p99, the service's peak RSS, the CPU split and the ratio service/pgbench.
#
# Usage: bench/ingest.sh [--smoke]     (--smoke: 16 connections, 5 s; for a quick check)
# Env: BENCH_LEVELS="16 64 256" and BENCH_SECONDS=30 override the levels and the duration.
source "$(dirname "$0")/lib.sh"
bench_init "$@"
ensure_tools wrk

levels=(${BENCH_LEVELS:-16 64 256})
seconds="${BENCH_SECONDS:-30}"
warmup=10
if ((SMOKE)); then
    levels=(16)
    seconds=5
    warmup=3
fi
audience=bench_ingest
run_id="r$(date +%s)"
clk_tck=$(getconf CLK_TCK)
results="$BENCH_WORK/ingest-results.txt"
: >"$results"

fresh_db
pgss=0
has_pg_stat_statements && pgss=1
max_clients=$(($(sql -c "show max_connections") - 40))
fake_start
service_start main "$BENCH_PORT"
java_pid=$(service_pid main)

# A PAUSED campaign on the audience: every enter writes its trigger (the per-event work the
# scenario measures) while the dispatcher leaves them alone and does not compete for the CPU.
destination=$(create_destination ingest-destination 200)
campaign=$(create_campaign ingest-campaign "$audience" "$destination")
campaign_action "$campaign" pause

export BENCH_AUDIENCE="$audience"
export BENCH_AUTH="Basic $(printf '%s:' "$WRITE_KEY" | base64)"
url="http://127.0.0.1:$BENCH_PORT/segment"

# Children's CPU seconds (user + sys) as bash's `times` reports them: the load generator's share.
# `times` must run in this shell (not in a $(...) subshell, whose children are its own).
children_cpu_to() {
    times >"$BENCH_WORK/times.txt"
    printf -v "$1" '%s' "$(tail -1 "$BENCH_WORK/times.txt" |
        awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }')"
}

share() { awk -v t="$1" -v hz="$clk_tck" -v wall="$2" 'BEGIN { printf "%.2f", t / hz / wall }'; }

log "warm-up: ${warmup}s at 16 connections (not measured)"
BENCH_RUN="${run_id}w" wrk -t2 -c16 -d"${warmup}s" -s "$BENCH_DIR/segment.lua" "$url" >/dev/null

printf '%-6s %-9s %-9s %-9s %-9s %-9s %-9s %-10s %-22s\n' conns 'events/s' 'p50 ms' 'p99 ms' 'pgb tps' 'pgb p50' 'pgb p99' ratio 'CPU cores jvm/pg/load' | tee -a "$results"
for connections in "${levels[@]}"; do
    # --- the service under wrk ---
    java_before=$(cpu_ticks "$java_pid")
    pg_before=$(pg_cpu_ticks)
    children_cpu_to load_before
    machine_before=$(machine_cpu)
    ((pgss)) && sql -c "select pg_stat_statements_reset()" >/dev/null
    commits_before=$(sql -c "select xact_commit from pg_stat_database where datname = current_database()")
    wall_start=$(date +%s.%N)
    out=$(BENCH_RUN="$run_id-$connections" wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s \
        -s "$BENCH_DIR/segment.lua" "$url")
    wall=$(awk -v s="$wall_start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
    machine_cores=$(machine_busy_cores "$machine_before" "$(machine_cpu)")
    commits=$(($(sql -c "select xact_commit from pg_stat_database where datname = current_database()") - commits_before))
    java_cores=$(share $(($(cpu_ticks "$java_pid") - java_before)) "$wall")
    pg_cores=$(share $(($(pg_cpu_ticks) - pg_before)) "$wall")
    children_cpu_to load_after
    load_cores=$(awk -v a="$load_before" -v b="$load_after" -v w="$wall" 'BEGIN { printf "%.2f", (b - a) / w }')
    line=$(grep wrk_result <<<"$out")
    log "wrk $connections connections: $line"
    read -r requests non2xx socket_errors wrk_seconds p50 p99 < <(sed -E 's/[a-z0-9_]+=//g; s/wrk_result //' <<<"$line" | awk '{print $1, $2, $3, $4, $5, $6}')
    rate=$(awk -v r="$requests" -v n="$non2xx" -v s="$wrk_seconds" 'BEGIN { printf "%.0f", (r - n) / s }')
    recorded=$(sql -c "select count(*) from processed_message where message_id like 'm-$run_id-$connections-%'")
    log "recorded in processed_message: $recorded of $((requests - non2xx)) answered 2xx ($non2xx non-2xx, $socket_errors socket errors)"
    events_per_commit=$(awk -v e="$recorded" -v c="$commits" 'BEGIN { printf "%.1f", e / (c > 0 ? c : 1) }')
    rss=$(peak_rss_mb "$java_pid")
    if ((pgss)); then
        # What the database did for the service at this level: statements per event and time per event.
        sql -c "select format('  SQL %s: %s calls (%s per event), %s ms in total (%s ms per event)', left(regexp_replace(query, '\s+', ' ', 'g'), 60),
                    calls, round(calls::numeric / greatest($recorded, 1), 2), round(total_exec_time),
                    round((total_exec_time / greatest($recorded, 1))::numeric, 3))
                from pg_stat_statements s join pg_database d on d.oid = s.dbid
                where d.datname = current_database() and query not like '%pg_stat%' and calls > 10
                order by total_exec_time desc limit 6" >"$BENCH_WORK/ingest-sql-$connections.txt"
        cat "$BENCH_WORK/ingest-sql-$connections.txt" >&2
    fi

    # --- pgbench, same per-event SQL, one transaction per event ---
    pg_before=$(pg_cpu_ticks)
    machine_before=$(machine_cpu)
    rm -f "$BENCH_WORK"/pgbench_log.*
    # The machine's cluster (BENCH_PG=system) may allow fewer connections than the level.
    pgb_clients=$((connections < max_clients ? connections : max_clients))
    ((pgb_clients == connections)) || log "pgbench limited to $pgb_clients clients by max_connections"
    pgb=$(cd "$BENCH_WORK" && pgbench -n -M prepared -c "$pgb_clients" -j 2 -T "$seconds" \
        -f "$BENCH_DIR/ingest.pgbench" -D audience="$audience" -l --log-prefix=pgbench_log "$BENCH_DB" 2>&1) ||
        die "pgbench failed: $pgb"
    pgb_pg_cores=$(share $(($(pg_cpu_ticks) - pg_before)) "$seconds")
    pgb_machine_cores=$(machine_busy_cores "$machine_before" "$(machine_cpu)")
    tps=$(awk '/^tps/ {printf "%.0f", $3}' <<<"$pgb")
    read -r pgb_p50 pgb_p99 _ < <(cat "$BENCH_WORK"/pgbench_log.* | awk '{print $3 / 1000}' | percentiles_of)
    rm -f "$BENCH_WORK"/pgbench_log.*
    log "pgbench $connections clients: $tps tps, PostgreSQL used $pgb_pg_cores cores"
    ratio=$(awk -v a="$rate" -v b="$tps" 'BEGIN { printf "%.2f", a / b }')

    printf '%-6s %-9s %-9s %-9s %-9s %-9.2f %-9.2f %-10s %-22s\n' "$connections" "$rate" "$p50" "$p99" "$tps" \
        "$pgb_p50" "$pgb_p99" "${ratio}x" "$java_cores/$pg_cores/$load_cores" | tee -a "$results"
    echo "       service: $events_per_commit events per commit ($commits commits), whole machine busy $machine_cores of $(nproc) cores, peak RSS so far (VmHWM) ${rss} MB; pgbench: PostgreSQL ${pgb_pg_cores} cores, machine busy ${pgb_machine_cores}" | tee -a "$results"
done
echo "service peak RSS (VmHWM) over the whole run: $(peak_rss_mb "$java_pid") MB; -Xmx256m; $(nproc) cores" | tee -a "$results"
echo "target: ratio >= 1.5x; results in $results"
