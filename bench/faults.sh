#!/usr/bin/env bash
# Fault scenarios. Each one posts single-event enters with bench/LoadGen.java, which logs which
# userIds were acknowledged (HTTP 200), breaks something, lets everything drain, and compares the
# acknowledged userIds with what the fake Pendula accepted:
#   acknowledged, delivered_distinct, same_key_repeats (the same Idempotency-Key accepted again:
#   allowed only where a delivery can be in flight when a process or the database goes away),
#   two_triggers (one person delivered under two different trigger ids: never allowed), lost, and
#   delivered_unacknowledged (committed but the answer never reached the client: allowed).
#
# Scenarios:
#   kill-ingest    SIGKILL of the service while 16 connections post enters (dispatch also running), restart
#                  2 s later; the load generator resends unanswered events with the same messageId, 1 s
#                  apart, as Segment does
#   kill-dispatch  SIGKILL of the service while it drains a backlog at 500/s, restart
#   pg-restart     PostgreSQL stopped for 5 s and started again under load: ingest answers 503, then recovers
#                  (503s are resent like Segment does)
#   pendula-errors fake Pendula answering 30% 503 and 5% 429 with Retry-After: 2
#   two-instances  two service instances on one database, load on both, destination limited to 200/s
#
# Usage: bench/faults.sh [--smoke] [scenario ...]     (no scenario: all of them)
source "$(dirname "$0")/lib.sh"
bench_init "$@"

scenarios=()
for arg in "$@"; do
    [[ "$arg" == --* ]] || scenarios+=("$arg")
done
((${#scenarios[@]})) || scenarios=(kill-ingest kill-dispatch pg-restart pendula-errors two-instances)
summary="$BENCH_WORK/faults-results.txt"
: >"$summary"
failures=0

scale() { ((SMOKE)) && echo "$2" || echo "$1"; } # scale FULL SMOKE

# Fresh database, fake Pendula (with the given options), one instance, a destination and an ACTIVE
# campaign on audience fault_<scenario>. Sets CAMPAIGN and DESTINATION.
setup() {
    local name="$1" rate="$2"
    shift 2
    fresh_db
    fake_start "$@"
    service_start main "$BENCH_PORT"
    DESTINATION=$(create_destination "fault-$name" "$rate")
    CAMPAIGN=$(create_campaign "fault-$name" "fault_${name//-/_}" "$DESTINATION")
}

teardown() {
    local name
    for name in "${!SERVICE_PIDS[@]}"; do
        service_stop "$name"
    done
    fake_stop
}

# verdict NAME ACK_LOG ALLOW_REPEATS DRAIN_TIMEOUT: waits for the drain, then counts.
verdict() {
    local name="$1" ack_log="$2" allow="$3" timeout="$4" counts status=PASS
    wait_drained "$timeout" || status=FAIL
    sleep 1 # the last acceptance may still be on its way into the fake's books
    counts=$(check_exactly_once "$ack_log" "$allow") || status=FAIL
    local line="$name: $counts triggers: $(trigger_counts) => $status"
    echo "RESULT $line"
    echo "$line" >>"$summary"
    [[ $status == PASS ]] || failures=$((failures + 1))
}

kill_ingest() {
    local ack="$BENCH_WORK/fault-kill-ingest-acks.txt"
    setup kill-ingest 1000
    log "kill-ingest: 16 connections posting; SIGKILL once $(scale 5000 1000) enters are committed, restart 2 s later"
    loadgen --audience fault_kill_ingest --prefix ki --concurrency 16 --count "$(scale 40000 8000)" \
        --duration "$(scale 45 30)" --retries 20 --log "$ack" >"$BENCH_WORK/fault-kill-ingest-load.txt" &
    local load=$!
    wait_recorded ki "$(scale 5000 1000)" 60 || true
    service_kill main
    sleep 2
    service_start main "$BENCH_PORT"
    wait "$load"
    cat "$BENCH_WORK/fault-kill-ingest-load.txt"
    verdict kill-ingest "$ack" 1 "$(scale 240 180)"
    teardown
}

kill_dispatch() {
    local ack="$BENCH_WORK/fault-kill-dispatch-acks.txt" total
    total=$(scale 10000 2000)
    setup kill-dispatch 500
    campaign_action "$CAMPAIGN" pause
    log "kill-dispatch: $total enters while the campaign is paused"
    loadgen --audience fault_kill_dispatch --prefix kd --concurrency 16 --count "$total" --duration 120 --log "$ack"
    campaign_action "$CAMPAIGN" resume
    log "kill-dispatch: draining at 500/s; SIGKILL once 30% are accepted"
    local deadline=$((SECONDS + 120))
    while (($(fake_stats | jq .accepted) < total * 3 / 10)) && ((SECONDS < deadline)); do
        sleep 0.2
    done
    log "kill-dispatch: fake accepted $(fake_stats | jq .accepted) so far"
    service_kill main
    log "kill-dispatch: at the kill: $(trigger_counts)"
    sleep 1
    service_start main "$BENCH_PORT"
    verdict kill-dispatch "$ack" 1 "$(scale 300 240)"
    teardown
}

pg_restart() {
    local ack="$BENCH_WORK/fault-pg-restart-acks.txt" out="$BENCH_WORK/fault-pg-restart-load.txt"
    setup pg-restart 1000
    log "pg-restart: 16 connections posting for $(scale 45 30) s; PostgreSQL stopped for 5 s once $(scale 5000 1000) enters are committed"
    loadgen --audience fault_pg_restart --prefix pr --concurrency 16 --count 1000000 \
        --duration "$(scale 45 30)" --timeout-ms 5000 --retries 20 --log "$ack" --timeline true >"$out" &
    local load=$!
    wait_recorded pr "$(scale 5000 1000)" 60 || true
    local stopped_at
    stopped_at=$(date +%s)
    pg_stop
    log "pg-restart: PostgreSQL stopped"
    sleep 5
    pg_start
    log "pg-restart: PostgreSQL started again"
    wait "$load"
    # The timeline shows the 503s while the database was away and the 200s after it came back.
    echo "answers per second around the outage (seconds from the stop: 200 / other status / no answer):"
    awk -v t0="$stopped_at" '/^  [0-9]+:/ { s = $1 - t0; if (s >= -2 && s <= 14) printf "  %+ds: %s / %s / %s\n", s, $2, $4, $6 }' "$out"
    tail -1 "$out"
    local after
    after=$(awk -v t="$(((stopped_at + 5) * 1000))" '$2 == 200 && $4 > t' "$ack" | wc -l)
    log "pg-restart: $after enters acknowledged after PostgreSQL came back; ready: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BENCH_PORT/q/health/ready")"
    ((after > 0)) || log "pg-restart: ingest did not recover"
    verdict pg-restart "$ack" 1 "$(scale 240 180)"
    ((after > 0)) || { failures=$((failures + 1)); echo "pg-restart: no recovery => FAIL" >>"$summary"; }
    teardown
}

pendula_errors() {
    local ack="$BENCH_WORK/fault-pendula-errors-acks.txt" total
    total=$(scale 5000 1000)
    setup pendula-errors 1000 --fail503 0.3 --fail429 0.05 --retry-after 2
    log "pendula-errors: $total enters; the fake answers 30% 503 and 5% 429 (Retry-After: 2)"
    loadgen --audience fault_pendula_errors --prefix pe --concurrency 16 --count "$total" --duration 120 --log "$ack"
    if ! wait_drained "$(scale 600 300)"; then
        log "pendula-errors: not drained in time"
    fi
    local failed
    failed=$(sql -c "select count(*) from flow_trigger where status = 'FAILED'")
    if ((failed > 0)); then
        log "pendula-errors: $failed triggers FAILED after their last attempt; retrying them by hand (retry-failed)"
        echo "pendula-errors: $failed triggers gave up after the last attempt and were retried by hand" >>"$summary"
        campaign_action "$CAMPAIGN" retry-failed
    fi
    fake_stats | jq -c '{total, accepted, answered503, answered429, minGapAfter429Ms, retryAfterViolations}' | tee -a "$summary"
    verdict pendula-errors "$ack" 0 "$(scale 600 300)"
    [[ $(fake_stats | jq .retryAfterViolations) == 0 ]] ||
        { failures=$((failures + 1)); echo "pendula-errors: Retry-After not honoured => FAIL" >>"$summary"; }
    teardown
}

two_instances() {
    local ack_a="$BENCH_WORK/fault-two-a.txt" ack_b="$BENCH_WORK/fault-two-b.txt" each
    each=$(scale 3000 500)
    setup two-instances 200
    service_start second $((BENCH_PORT + 1))
    log "two-instances: $each enters into each instance; one destination limited to 200/s"
    loadgen --audience fault_two_instances --prefix ta --concurrency 8 --count "$each" --duration 120 --log "$ack_a" &
    local load_a=$!
    LOAD_PORT=$((BENCH_PORT + 1)) loadgen --audience fault_two_instances --prefix tb --concurrency 8 --count "$each" \
        --duration 120 --log "$ack_b"
    wait "$load_a"
    cat "$ack_a" "$ack_b" >"$BENCH_WORK/fault-two-acks.txt"
    verdict two-instances "$BENCH_WORK/fault-two-acks.txt" 0 "$(scale 180 120)"
    fake_stats | jq -r '.paths[] | "two-instances: rate at the fake: max \(.maxPerSecond) in a calendar second, \(.maxPerSlidingSecond) in a sliding second (limit 200)"' |
        tee -a "$summary"
    echo "two-instances: attempts started by both instances (delivery_attempt.attempted_at): max $(max_attempts_per_sliding_second "$DESTINATION") in a sliding second" |
        tee -a "$summary"
    [[ $(fake_stats | jq '[.paths[].maxPerSecond] | max') -le 200 ]] ||
        { failures=$((failures + 1)); echo "two-instances: rate limit exceeded => FAIL" >>"$summary"; }
    teardown
}

for scenario in "${scenarios[@]}"; do
    case "$scenario" in
        kill-ingest) kill_ingest ;;
        kill-dispatch) kill_dispatch ;;
        pg-restart) pg_restart ;;
        pendula-errors) pendula_errors ;;
        two-instances) two_instances ;;
        *) die "unknown scenario '$scenario'" ;;
    esac
done
echo "== fault scenarios ($(date -u +%FT%TZ), $(nproc) cores)"
cat "$summary"
exit $((failures > 0))
