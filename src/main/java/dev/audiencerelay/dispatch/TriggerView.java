package dev.audiencerelay.dispatch;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/** A trigger as the admin API shows it, with every attempt made to deliver it, oldest first. */
@RegisterForReflection
public record TriggerView(
        long id,
        long campaignId,
        String profileKey,
        String status,
        int attemptCount,
        Instant nextAttemptAt,
        String lastError,
        Instant createdAt,
        Instant deliveredAt,
        List<Attempt> attempts) {

    /**
     * One POST to Pendula.
     *
     * @param statusCode null when no answer came back
     */
    @RegisterForReflection
    public record Attempt(Instant attemptedAt, Integer statusCode, int durationMs, String error) {}
}
