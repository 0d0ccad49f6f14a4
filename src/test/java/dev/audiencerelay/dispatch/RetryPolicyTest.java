package dev.audiencerelay.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(config(), Clock.fixed(NOW, ZoneOffset.UTC));

    static DispatchConfig config() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(DispatchConfig.class)
                // Quarkus reads "5s" and "15m"; plain SmallRye Config needs its converter to do the same.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(Map.of("relay.dispatch.max-attempts", "4"))
                .build();
        return config.getConfigMapping(DispatchConfig.class);
    }

    @Test
    void successIsDelivered() {
        RetryPolicy.Decision decision = policy.decide(answer(204, null), 2);

        assertThat(decision.verdict()).isEqualTo(RetryPolicy.Verdict.DELIVERED);
        assertThat(decision.attemptCount()).isEqualTo(3);
        assertThat(decision.lastError()).isNull();
    }

    @Test
    void serverErrorsTimeoutsAndThrottlingAreRetriedUntilTheLastAttempt() {
        for (Integer status : new Integer[] {500, 502, 503, 408, 429, null}) {
            assertThat(policy.decide(answer(status, null), 0).verdict()).isEqualTo(RetryPolicy.Verdict.RETRY);
            RetryPolicy.Decision last = policy.decide(answer(status, null), 3);
            assertThat(last.verdict()).isEqualTo(RetryPolicy.Verdict.FAILED);
            assertThat(last.lastError()).startsWith("gave up after 4 attempts; last: ");
        }
    }

    @Test
    void otherClientErrorsFailAtOnce() {
        for (int status : new int[] {400, 404, 409, 410, 422}) {
            RetryPolicy.Decision decision = policy.decide(answer(status, null), 0);
            assertThat(decision.verdict()).isEqualTo(RetryPolicy.Verdict.FAILED);
            assertThat(decision.attemptCount()).isEqualTo(1);
        }
    }

    @Test
    void rejectedCredentialsDoNotUseUpAttempts() {
        for (int status : new int[] {401, 403}) {
            RetryPolicy.Decision decision = policy.decide(answer(status, null), 3);
            assertThat(decision.verdict()).isEqualTo(RetryPolicy.Verdict.AUTH_REJECTED);
            assertThat(decision.attemptCount()).isEqualTo(3);
        }
    }

    @Test
    void retryAfterInSecondsOrAsADateIsHonouredAndCapped() {
        assertThat(policy.decide(answer(429, "2"), 0).delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.decide(answer(503, "Sun, 01 Mar 2026 10:00:30 GMT"), 0)
                        .delay())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.decide(answer(503, "Sun, 01 Mar 2026 09:00:00 GMT"), 0)
                        .delay())
                .isEqualTo(Duration.ZERO);
        assertThat(policy.decide(answer(429, "86400"), 0).delay()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void unreadableRetryAfterFallsBackToBackoff() {
        Duration delay = policy.decide(answer(429, "soon"), 0).delay();

        assertThat(delay).isBetween(Duration.ZERO, Duration.ofSeconds(1));
    }

    @Test
    void backoffBoundDoublesPerAttemptUpToTheMaximum() {
        for (int i = 0; i < 200; i++) {
            assertThat(policy.backoff(1)).isBetween(Duration.ZERO, Duration.ofSeconds(1));
            assertThat(policy.backoff(4)).isBetween(Duration.ZERO, Duration.ofSeconds(8));
            assertThat(policy.backoff(40)).isBetween(Duration.ZERO, Duration.ofMinutes(5));
        }
    }

    private static PendulaAnswer answer(Integer status, String retryAfter) {
        String error = status == null ? "timeout" : "HTTP " + status;
        return new PendulaAnswer(status, Optional.ofNullable(retryAfter), error, 5);
    }
}
