-- wrk script: single Segment-shaped audience enters (identify with context.personas) to POST /segment.
-- Every request has a unique messageId and userId: run id + wrk thread id + per-thread counter.
-- Environment: BENCH_AUDIENCE (audience key), BENCH_RUN (run id), BENCH_AUTH (Authorization header).
-- done() prints one parsable line: "wrk_result requests=.. non2xx=.. socket_errors=.. seconds=.. p50_ms=.. p99_ms=..".

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_id", #threads)
end

local counter = 0
local audience, run, auth, personas

function init(args)
   audience = os.getenv("BENCH_AUDIENCE") or "bench_ingest"
   run = os.getenv("BENCH_RUN") or tostring(os.time())
   auth = os.getenv("BENCH_AUTH") or ""
   personas = '"context":{"personas":{"computation_class":"audience","computation_key":"' .. audience ..
      '","computation_id":"aud_bench","namespace":"spa_bench","space_id":"spa_bench"}}'
end

function request()
   counter = counter + 1
   local id = run .. "-" .. thread_id .. "-" .. counter
   local body = '{"type":"identify","messageId":"m-' .. id .. '","userId":"' .. id ..
      '","timestamp":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ") .. '","traits":{"' .. audience ..
      '":true,"email":"' .. id .. '@bench.example","first_name":"Bench"},' .. personas .. '}'
   return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = auth}, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "wrk_result requests=%d non2xx=%d socket_errors=%d seconds=%.2f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
      summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
