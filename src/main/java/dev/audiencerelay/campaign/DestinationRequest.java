package dev.audiencerelay.campaign;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST} and {@code PUT /admin/destinations}. The token is write-only: required
 * on create, and on update left out to keep the stored one.
 *
 * @param rateLimitPerSecond requests per second Pendula accepts on this flow; 200 when absent
 */
@RegisterForReflection
public record DestinationRequest(
        @NotBlank @Size(max = 200) String name,

        @NotBlank
        @Size(max = 2000)
        @Pattern(regexp = "(?i)https?://[^\\s/?#]+\\S*", message = "must be an absolute http or https URL")
        String flowUrl,

        @NotNull AuthScheme authScheme,
        // Eight characters at least, so the four an answer shows never give away most of a token.
        @Size(min = 8, max = 4096) @Pattern(regexp = "\\S+", message = "must not contain spaces")
        String token,

        @Size(max = 200) @Pattern(regexp = "[^:\\p{Cntrl}]+", message = "must not contain ':' or control characters")
        String tenantId,

        @Size(max = 500) @Pattern(regexp = "[^\\p{Cntrl}]+", message = "must not contain control characters")
        String customContext,

        @Positive @Max(100_000) Integer rateLimitPerSecond) {

    static final int DEFAULT_RATE_LIMIT_PER_SECOND = 200;

    int rateLimitOrDefault() {
        return rateLimitPerSecond == null ? DEFAULT_RATE_LIMIT_PER_SECOND : rateLimitPerSecond;
    }

    /** Never shows the token, so a request logged by accident leaks nothing. */
    @Override
    public String toString() {
        return "DestinationRequest[name=" + name + ", authScheme=" + authScheme + "]";
    }
}
