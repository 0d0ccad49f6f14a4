package dev.audiencerelay.campaign;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * A destination as the admin API shows it: everything but the token, of which only the last four
 * characters are shown so an operator can tell which one is configured.
 */
@RegisterForReflection
public record DestinationView(
        Long id,
        String name,
        String flowUrl,
        AuthScheme authScheme,
        String tenantId,
        String tokenLastFour,
        String customContext,
        int rateLimitPerSecond,
        Instant createdAt,
        Instant updatedAt) {

    static DestinationView of(Destination destination) {
        return new DestinationView(
                destination.id,
                destination.name,
                destination.flowUrl,
                destination.authScheme,
                destination.tenantId,
                destination.tokenLastFour,
                destination.customContext,
                destination.rateLimitPerSecond,
                destination.createdAt,
                destination.updatedAt);
    }
}
