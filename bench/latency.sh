#!/usr/bin/env bash
# End-to-end latency: a steady 500 events/s (open loop, bench/LoadGen.java --rate) of single-event
# enters for 60 s into an ACTIVE campaign whose destination allows 1,000/s; prints p50/p99 of the
# time from the ingest answer (load generator) to the fake Pendula's first acceptance of that
# person's trigger, plus the ingest latency at that rate, and checks exactly-once.
#
# Usage: bench/latency.sh [--smoke]    (--smoke: 10 s)
# Env: BENCH_RATE=500, BENCH_SECONDS=60.
source "$(dirname "$0")/lib.sh"
bench_init "$@"

rate="${BENCH_RATE:-500}"
seconds="${BENCH_SECONDS:-60}"
((SMOKE)) && seconds=10
audience=bench_latency
results="$BENCH_WORK/latency-results.txt"
ack_log="$BENCH_WORK/latency-acks.txt"
: >"$results"

fresh_db
fake_start
service_start main "$BENCH_PORT"
destination=$(create_destination latency-destination 1000)
create_campaign latency-campaign "$audience" "$destination" >/dev/null

log "warm-up: 10 s at 200 events/s (not measured)"
loadgen --audience "$audience" --prefix warm --rate 200 --count 2000 --duration 10 >/dev/null
wait_drained 60 || die "warm-up not drained"
fake_reset

log "measuring: $rate events/s for $seconds s"
summary=$(loadgen --audience "$audience" --prefix lat --rate "$rate" --count $((rate * seconds)) \
    --duration $((seconds + 10)) --log "$ack_log")
backlog=$(sql -c "select count(*) from flow_trigger where status = 'PENDING'")
wait_drained 180 || true
fake_dump >"$BENCH_WORK/latency-dump.txt"

{
    echo "== end-to-end latency at $rate events/s for $seconds s, $(nproc) cores"
    echo "ingest: $summary"
    # ack log: userId status sentMs answeredMs attempts; dump: key userId accepted attempts firstAcceptMs path
    awk 'FNR == NR { if ($2 == 200) answered[$1] = $4; next }
        $3 > 0 && ($2 in answered) { print $5 - answered[$2] }' "$ack_log" "$BENCH_WORK/latency-dump.txt" \
        >"$BENCH_WORK/latency-e2e-ms.txt"
    n=$(wc -l <"$BENCH_WORK/latency-e2e-ms.txt")
    read -r p50 p99 max < <(percentiles_of <"$BENCH_WORK/latency-e2e-ms.txt")
    echo "pending triggers when the load stopped: $backlog"
    echo "per second, enters acknowledged:  $(awk '$2 == 200 { print int($4 / 1000) }' "$ack_log" | sort -n | uniq -c | awk '{ printf "%s ", $1 }')"
    echo "per second, first deliveries:     $(awk '$3 > 0 { print int($5 / 1000) }' "$BENCH_WORK/latency-dump.txt" | sort -n | uniq -c | awk '{ printf "%s ", $1 }')"
    echo "ingest answer -> fake Pendula receipt: $n deliveries, p50 ${p50} ms, p99 ${p99} ms, max ${max} ms (target p99 < 1000 ms)"
    # The second half alone: the steady state, once the JIT and the connection pools are warm.
    half=$(awk 'NR == 1 || $4 < min { min = $4 } $4 > max { max = $4 } END { print int((min + max) / 2) }' "$ack_log")
    read -r h50 h99 hmax < <(awk -v half="$half" 'FNR == NR { if ($2 == 200 && $4 >= half) answered[$1] = $4; next }
        $3 > 0 && ($2 in answered) { print $5 - answered[$2] }' "$ack_log" "$BENCH_WORK/latency-dump.txt" | percentiles_of)
    echo "the same for the events acknowledged in the second half of the run: p50 ${h50} ms, p99 ${h99} ms, max ${hmax} ms"
    check_exactly_once "$ack_log" 0 || echo "exactly-once check: FAIL"
} | tee -a "$results"
echo "results in $results"
