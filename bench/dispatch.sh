#!/usr/bin/env bash
# Dispatch scenario.
#  1. 100,000 PENDING triggers across 10 campaigns (10 destinations without a practical rate limit),
#     written with SQL while the campaigns are paused, then all resumed: prints triggers/s from the
#     resume to the last delivery, and the database's share of the time, measured three ways
#     (CPU time of PostgreSQL vs the JVM; pg_stat_statements execution time; pg_stat_activity samples).
#  2. One destination limited to 200/s draining a backlog: prints the requests the fake Pendula
#     received in each second (must never exceed 200) and the achieved rate.
# Every trigger must reach the fake Pendula exactly once.
#
# Usage: bench/dispatch.sh [--smoke]   (--smoke: 2,000 triggers, 600 rate-limited)
source "$(dirname "$0")/lib.sh"
bench_init "$@"

total=100000
campaigns=10
limited_total=4000
limit=200
unlimited_rate=100000
if ((SMOKE)); then
    total=2000
    limited_total=600
fi
per_campaign=$((total / campaigns))
clk_tck=$(getconf CLK_TCK)
results="$BENCH_WORK/dispatch-results.txt"
: >"$results"

fresh_db
fake_start
service_start main "$BENCH_PORT"
java_pid=$(service_pid main)

declare -a destination_ids campaign_ids
for i in $(seq 1 "$campaigns"); do
    destination_ids[i]=$(create_destination "dispatch-d$i" "$unlimited_rate")
    campaign_ids[i]=$(create_campaign "dispatch-c$i" "bench_dispatch_$i" "${destination_ids[i]}")
    campaign_action "${campaign_ids[i]}" pause
done

# The backlog, shaped like the triggers ingest writes (SPEC payload contract).
insert_triggers() { # campaign_id audience count prefix
    sql -c "insert into flow_trigger (campaign_id, profile_key, payload)
            select $1, '$4-' || g, jsonb_build_object('audienceKey', '$2', 'profileKey', '$4-' || g,
                'userId', '$4-' || g, 'email', '$4-' || g || '@bench.example', 'anonymousId', null,
                'traits', jsonb_build_object('$2', true, 'first_name', 'Bench', 'phone', '+61400000000'))
            from generate_series(1, $3) g" >/dev/null
}
log "writing $total pending triggers across $campaigns campaigns"
for i in $(seq 1 "$campaigns"); do
    insert_triggers "${campaign_ids[i]}" "bench_dispatch_$i" "$per_campaign" "c$i"
done
sql -c "vacuum analyze flow_trigger" >/dev/null

pgss=0
if has_pg_stat_statements; then
    pgss=1
    sql -c "select pg_stat_statements_reset()" >/dev/null
fi

# pg_stat_activity every 250 ms: how many of the service's connections are running a statement
# (active) or sit inside a transaction waiting for the JVM (idle in transaction).
sampler_log="$BENCH_WORK/dispatch-activity.txt"
(
    for _ in $(seq 1 3600); do
        sql -c "select count(*) filter (where state = 'active'), count(*) filter (where state like 'idle in transaction%'),
                count(*) from pg_stat_activity where application_name = 'audience-relay' and datname = current_database()"
        sleep 0.25
    done
) >"$sampler_log" 2>/dev/null &
sampler_pid=$!

java_before=$(cpu_ticks "$java_pid")
pg_before=$(pg_cpu_ticks)
fake_before=$(cpu_ticks "$FAKE_PID")
start=$(date +%s.%N)
log "resuming the $campaigns campaigns"
for i in $(seq 1 "$campaigns"); do
    campaign_action "${campaign_ids[i]}" resume
done
# Poll the fake (cheap) until it has accepted as many requests as there are triggers, then the
# database until every trigger is DELIVERED: a count(*) over the table 4 times a second would
# itself load PostgreSQL.
deadline=$((SECONDS + 900))
while (($(curl -fsS "http://127.0.0.1:$FAKE_PORT/count" | jq .accepted) < total)); do
    ((SECONDS < deadline)) || { kill "$sampler_pid"; die "not drained after 900 s: $(trigger_counts)"; }
    sleep 0.2
done
while (($(sql -c "select count(*) from flow_trigger where status = 'DELIVERED'") < total)); do
    ((SECONDS < deadline)) || { kill "$sampler_pid"; die "not drained after 900 s: $(trigger_counts)"; }
    sleep 0.1
done
end=$(date +%s.%N)
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true

wall=$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')
java_s=$(awk -v t=$(($(cpu_ticks "$java_pid") - java_before)) -v hz="$clk_tck" 'BEGIN { print t / hz }')
pg_s=$(awk -v t=$(($(pg_cpu_ticks) - pg_before)) -v hz="$clk_tck" 'BEGIN { print t / hz }')
fake_s=$(awk -v t=$(($(cpu_ticks "$FAKE_PID") - fake_before)) -v hz="$clk_tck" 'BEGIN { print t / hz }')
stats=$(fake_stats)
first_ms=$(jq '[.paths[].firstMs] | min' <<<"$stats")
last_ms=$(jq '[.paths[].lastMs] | max' <<<"$stats")

{
    echo "== unthrottled: $total triggers, $campaigns campaigns, $(nproc) cores"
    awk -v n="$total" -v w="$wall" -v f="$first_ms" -v l="$last_ms" 'BEGIN {
        printf "drained in %.1f s from the resume: %.0f triggers/s (first to last receipt at the fake: %.0f/s)\n", w, n / w, n / ((l - f) / 1000) }'
    awk -v j="$java_s" -v p="$pg_s" -v f="$fake_s" -v w="$wall" 'BEGIN {
        printf "CPU during the drain: JVM %.1f s (%.2f cores), PostgreSQL %.1f s (%.2f cores), fake Pendula %.1f s (%.2f cores)\n", j, j / w, p, p / w, f, f / w
        printf "database share of the CPU time spent by service + database: %.0f%%\n", 100 * p / (p + j) }'
    if ((pgss)); then
        sql -c "select format('pg_stat_statements: %s statements, %s ms of SQL execution in total = %s ms per trigger; the database was executing the service''s SQL %s%% of the wall time (summed over connections)',
                    sum(calls), round(sum(total_exec_time)), round((sum(total_exec_time) / $total)::numeric, 3),
                    round((100 * sum(total_exec_time) / ($wall * 1000))::numeric))
                from pg_stat_statements s join pg_database d on d.oid = s.dbid
                where d.datname = current_database() and s.query not like '%pg_stat%'"
        echo "top statements by execution time:"
        sql -c "select format('  %s ms  %s calls  mean %s ms  max %s ms  %s', round(total_exec_time), calls,
                    round(mean_exec_time::numeric, 3), round(max_exec_time::numeric, 1), left(regexp_replace(query, '\s+', ' ', 'g'), 90))
                from pg_stat_statements s join pg_database d on d.oid = s.dbid
                where d.datname = current_database() and s.query not like '%pg_stat%'
                order by total_exec_time desc limit 6"
    fi
    awk -F'|' 'NF == 3 { n++; a += $1; i += $2; c += $3 } END {
        if (n) printf "pg_stat_activity (%d samples): of %.1f service connections on average, %.2f active, %.2f idle in transaction\n", n, c / n, a / n, i / n }' "$sampler_log"
    jq -r '"exactly once: fake received \(.total) requests, \(.distinctKeysAccepted) distinct Idempotency-Keys accepted, \(.extraAcceptances) repeats, \(.withoutKey) without key"' <<<"$stats"
} | tee -a "$results"
[[ $(jq .distinctKeysAccepted <<<"$stats") == "$total" && $(jq .extraAcceptances <<<"$stats") == 0 ]] ||
    echo "FAIL: not every trigger was delivered exactly once" | tee -a "$results"

# --- 2. one destination limited to 200/s ---
fake_reset
set_destination_rate "${destination_ids[1]}" dispatch-d1 "$limit"
sleep 2
limited_since=$(sql -c "select now()")
log "writing $limited_total triggers for destination dispatch-d1 at $limit/s"
insert_triggers "${campaign_ids[1]}" bench_dispatch_1 "$limited_total" "limited"
wait_drained $((limited_total / limit * 4 + 120)) || true
stats=$(fake_stats)
{
    echo "== rate limit $limit/s on one destination: $limited_total triggers"
    jq -r --argjson limit "$limit" '.paths["/flow/dispatch-d1"] |
        "requests per second at the fake: " + ([.perSecond | to_entries[] | .value | tostring] | join(" ")),
        "max in a calendar second: \(.maxPerSecond) (limit \($limit)); max in any sliding 1 s window: \(.maxPerSlidingSecond)",
        "achieved: \(.requests) requests in \((.lastMs - .firstMs) / 1000) s = \(.requests / ((.lastMs - .firstMs) / 1000) | floor)/s"' <<<"$stats"
    jq -r '"exactly once: \(.distinctKeysAccepted) distinct keys accepted, \(.extraAcceptances) repeats"' <<<"$stats"
    echo "attempts started by the service (delivery_attempt.attempted_at): max $(max_attempts_per_sliding_second "${destination_ids[1]}" "$limited_since") in a sliding second"
} | tee -a "$results"
max=$(jq '.paths["/flow/dispatch-d1"].maxPerSecond' <<<"$stats")
((max <= limit)) && echo "rate limit held: PASS" | tee -a "$results" || echo "rate limit exceeded: FAIL" | tee -a "$results"
echo "results in $results"
