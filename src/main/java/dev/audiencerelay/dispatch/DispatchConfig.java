package dev.audiencerelay.dispatch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Tuning of the delivery of triggers to Pendula ({@code relay.dispatch.*}). */
@ConfigMapping(prefix = "relay.dispatch")
public interface DispatchConfig {

    /** Whether this instance delivers triggers at all (default true); false leaves them to other instances. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often the outbox is polled when nothing wakes the dispatcher (default 1s). New triggers wake it
     * at once; the poll picks up retries that came due and triggers written by other instances.
     */
    @WithDefault("1s")
    Duration pollInterval();

    /** The most triggers claimed in one round (default 100). */
    @WithDefault("100")
    int batchSize();

    /**
     * The most triggers one instance holds at a time, waiting for their rate-limit slot or in flight to
     * Pendula (default 64); it also bounds the HTTP connections per destination.
     */
    @WithDefault("64")
    int maxConcurrency();

    /** How long one POST to Pendula may take before it counts as a timeout and is retried (default 5s). */
    @WithDefault("5s")
    Duration requestTimeout();

    /** How long opening a connection to Pendula may take (default 2s). */
    @WithDefault("2s")
    Duration connectTimeout();

    /**
     * How long a claimed trigger belongs to the instance that claimed it (default 60s). A crashed
     * instance's triggers are taken over after this; it must be well above the request timeout.
     */
    @WithDefault("60s")
    Duration lease();

    /** Upper bound of the random delay before the first retry (default 1s); it doubles per attempt. */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Upper bound of the random delay between two attempts (default 5m). */
    @WithDefault("5m")
    Duration maxBackoff();

    /** Attempts before a trigger is given up as FAILED (default 8); 401/403 answers do not count. */
    @WithDefault("8")
    int maxAttempts();

    /** The longest {@code Retry-After} honoured (default 15m); a longer one is cut to this. */
    @WithDefault("15m")
    Duration maxRetryAfter();

    /** 401/403 answers in a row from one destination that pause all its active campaigns (default 3). */
    @WithDefault("3")
    int authFailuresBeforePause();

    /**
     * Timing slack of the rate limit (default 50ms). Requests to a destination are spaced by
     * (1 s + tolerance) / limit, and a request that cannot start within half the tolerance of its slot
     * gives the slot up, so scheduling delays and network jitter up to the tolerance never push more
     * than the limit into any one-second window. The price is a throughput of limit / (1 + tolerance).
     */
    @WithDefault("50ms")
    Duration rateLimitTolerance();

    /** How long a shutdown waits for requests already sent to Pendula to be answered and recorded (default 10s). */
    @WithDefault("10s")
    Duration shutdownTimeout();

    /** Age after which DELIVERED and CANCELLED triggers and their attempts are deleted (default 30 days). */
    @WithDefault("P30D")
    Duration retention();

    /** How often the retention purge runs (default 1h). */
    @WithDefault("1h")
    Duration purgeInterval();

    /** Triggers deleted per transaction by the retention purge (default 500). */
    @WithDefault("500")
    int purgeBatchSize();

    /** How often the backlog and oldest-pending gauges are recomputed (default 15s). */
    @WithDefault("15s")
    Duration metricsInterval();
}
