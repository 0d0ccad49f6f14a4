package dev.audiencerelay.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Ingest meters, as Prometheus shows them: {@code relay_ingest_events_total{outcome}} (recorded,
 * duplicate, ignored, rejected), {@code relay_ingest_requests_total} and {@code
 * relay_ingest_transactions_total} (requests committed and the transactions they shared), and
 * {@code relay_ingest_latency_seconds} (request received to answer ready).
 */
@ApplicationScoped
class IngestMetrics {

    private final Counter recorded;
    private final Counter duplicates;
    private final Counter ignored;
    private final Counter rejected;
    private final Counter requests;
    private final Counter transactions;
    private final Timer latency;

    IngestMetrics(MeterRegistry registry) {
        recorded = events(registry, "recorded");
        duplicates = events(registry, "duplicate");
        ignored = events(registry, "ignored");
        rejected = events(registry, "rejected");
        requests = Counter.builder("relay.ingest.requests")
                .description("Ingest requests whose events were committed")
                .register(registry);
        transactions = Counter.builder("relay.ingest.transactions")
                .description("Transactions that committed ingest requests; fewer than requests when grouped")
                .register(registry);
        latency = Timer.builder("relay.ingest.latency")
                .description("Time from receiving an ingest request to having its answer")
                .publishPercentileHistogram()
                .register(registry);
    }

    void report(IngestReport report) {
        recorded.increment(report.recorded());
        duplicates.increment(report.duplicates());
        ignored.increment(report.ignored());
        rejected.increment(report.rejected().size());
    }

    void rejected(int count) {
        rejected.increment(count);
    }

    void committed(int requestCount) {
        transactions.increment();
        requests.increment(requestCount);
    }

    void latency(long startNanos) {
        latency.record(Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private static Counter events(MeterRegistry registry, String outcome) {
        return Counter.builder("relay.ingest.events")
                .description("Segment events received, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }
}
