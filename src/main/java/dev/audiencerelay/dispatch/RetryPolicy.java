package dev.audiencerelay.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Decides what becomes of a trigger after an attempt, and when it is tried again. */
final class RetryPolicy {

    /** What an attempt means for its trigger. */
    enum Verdict {
        DELIVERED,
        RETRY,
        FAILED,
        /** Pendula rejected the destination's credentials: the trigger waits, its attempts are not used up. */
        AUTH_REJECTED
    }

    /**
     * @param attemptCount the trigger's attempt count after this attempt
     * @param delay how long until the next attempt (RETRY and AUTH_REJECTED)
     * @param lastError what to record as the trigger's last error, null when delivered
     */
    record Decision(Verdict verdict, int attemptCount, Duration delay, String lastError) {}

    private final DispatchConfig config;
    private final Clock clock;

    RetryPolicy(DispatchConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    Decision decide(PendulaAnswer answer, int attemptsBefore) {
        int attempts = attemptsBefore + 1;
        if (answer.succeeded()) {
            return new Decision(Verdict.DELIVERED, attempts, Duration.ZERO, null);
        }
        if (isAuthRejection(answer.statusCode())) {
            return new Decision(Verdict.AUTH_REJECTED, attemptsBefore, backoff(attempts), answer.error());
        }
        if (!isRetryable(answer.statusCode())) {
            return new Decision(Verdict.FAILED, attempts, Duration.ZERO, answer.error());
        }
        if (attempts >= config.maxAttempts()) {
            String error = "gave up after " + attempts + " attempts; last: " + answer.error();
            return new Decision(Verdict.FAILED, attempts, Duration.ZERO, error);
        }
        Duration delay = answer.retryAfter().flatMap(this::parseRetryAfter).orElseGet(() -> backoff(attempts));
        return new Decision(Verdict.RETRY, attempts, delay, answer.error());
    }

    static boolean isAuthRejection(Integer status) {
        return status != null && (status == 401 || status == 403);
    }

    /** No answer, 408, 429 and 5xx are worth another try; any other status will not change by retrying. */
    static boolean isRetryable(Integer status) {
        return status == null || status == 408 || status == 429 || status >= 500;
    }

    /** "Full jitter": a random delay between zero and an exponentially growing, capped bound. */
    Duration backoff(int attempts) {
        int doublings = Math.min(attempts - 1, 30);
        long boundMs =
                Math.min(config.maxBackoff().toMillis(), config.initialBackoff().toMillis() << doublings);
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(boundMs + 1));
    }

    /** Delta seconds or an HTTP date (RFC 9110 §10.2.3), capped; empty when unreadable. */
    Optional<Duration> parseRetryAfter(String value) {
        String text = value.strip();
        Duration wait;
        if (text.matches("\\d{1,9}")) {
            wait = Duration.ofSeconds(Long.parseLong(text));
        } else {
            try {
                ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
                wait = Duration.between(clock.instant(), at.toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return Optional.of(wait.compareTo(config.maxRetryAfter()) > 0 ? config.maxRetryAfter() : wait);
    }
}
