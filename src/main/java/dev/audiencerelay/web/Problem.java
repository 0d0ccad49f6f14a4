package dev.audiencerelay.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem document: every error this service answers has this shape and is sent as
 * {@code application/problem+json}.
 *
 * @param type a URI naming the kind of problem, {@code about:blank} when the status says it all
 * @param violations for invalid input, one entry per field or item in error
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record Problem(URI type, String title, int status, String detail, String instance, List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /**
     * One invalid field: where it was ({@code body}, {@code query}, {@code path}, {@code header}), its
     * name and why.
     */
    @RegisterForReflection
    public record Violation(String field, String in, String message) {}

    public static Problem of(int status, String title, String detail) {
        return new Problem(URI.create("about:blank"), title, status, detail, null, null);
    }

    public Problem withViolations(List<Violation> violations) {
        return new Problem(type, title, status, detail, instance, violations);
    }

    public Problem withInstance(String instance) {
        return new Problem(type, title, status, detail, instance, violations);
    }
}
