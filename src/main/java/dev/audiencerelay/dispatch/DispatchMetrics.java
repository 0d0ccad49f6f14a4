package dev.audiencerelay.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Dispatch metrics: attempts by outcome ({@code relay_dispatch_attempts_total{outcome}}, where
 * "delivered" and "failed" count triggers reaching those states), attempt latency
 * ({@code relay_dispatch_attempt_seconds}), pending triggers per campaign
 * ({@code relay_dispatch_backlog{campaign}}) and the age of the oldest pending trigger of an active
 * campaign ({@code relay_dispatch_oldest_pending_age_seconds}). The two gauges are recomputed by
 * one query every {@code relay.dispatch.metrics-interval}, not on every scrape.
 */
@ApplicationScoped
public class DispatchMetrics {

    private static final Logger LOG = Logger.getLogger(DispatchMetrics.class);

    private static final String BACKLOG = """
            select c.name, count(*),
                   extract(epoch from now() - min(t.created_at) filter (where c.status = 'ACTIVE'))
            from flow_trigger t
            join campaign c on c.id = t.campaign_id
            where t.status = 'PENDING'
            group by c.name
            """;

    private final DataSource dataSource;
    private final Map<RetryPolicy.Verdict, Counter> outcomes = new EnumMap<>(RetryPolicy.Verdict.class);
    private final Timer latency;
    private final MultiGauge backlog;
    private final AtomicReference<Double> oldestPendingAge = new AtomicReference<>(0.0);

    DispatchMetrics(MeterRegistry registry, DataSource dataSource) {
        this.dataSource = dataSource;
        for (RetryPolicy.Verdict verdict : RetryPolicy.Verdict.values()) {
            outcomes.put(
                    verdict,
                    Counter.builder("relay.dispatch.attempts")
                            .description("Attempts to start a Pendula flow, by what came of them")
                            .tag("outcome", verdict.name().toLowerCase())
                            .register(registry));
        }
        latency = Timer.builder("relay.dispatch.attempt")
                .description("Duration of one POST to Pendula, answered or not")
                .register(registry);
        backlog = MultiGauge.builder("relay.dispatch.backlog")
                .description("Pending triggers per campaign")
                .register(registry);
        Gauge.builder("relay.dispatch.oldest.pending.age", oldestPendingAge, AtomicReference::get)
                .description("Age in seconds of the oldest pending trigger of an active campaign")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
    }

    void recordAttempt(RetryPolicy.Verdict verdict, Duration duration) {
        outcomes.get(verdict).increment();
        latency.record(duration);
    }

    @Scheduled(
            every = "${relay.dispatch.metrics-interval:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "dispatch-metrics")
    void refreshGauges() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        double oldest = 0;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(BACKLOG);
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(MultiGauge.Row.of(Tags.of("campaign", result.getString(1)), result.getLong(2)));
                oldest = Math.max(oldest, result.getDouble(3));
            }
        } catch (SQLException e) {
            LOG.debugf("Dispatch gauges not refreshed, will try again at the next interval: %s", e.getMessage());
            return;
        }
        backlog.register(rows, true);
        oldestPendingAge.set(oldest);
    }
}
