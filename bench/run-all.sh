#!/usr/bin/env bash
# Runs every scenario one after the other and keeps each one's output in $BENCH_WORK/<scenario>.out.
# Usage: bench/run-all.sh [--smoke]
set -uo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
work="${BENCH_WORK:-/tmp/audience-relay-bench}"
mkdir -p "$work"
status=0
for scenario in ingest dispatch latency faults; do
    echo "=== $scenario $* ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$dir/$scenario.sh" "$@" 2>&1 | tee "$work/$scenario.out"
    ((PIPESTATUS[0] == 0)) || status=1
done
echo "=== done ($(date -u +%FT%TZ)); outputs in $work/*.out"
exit $status
