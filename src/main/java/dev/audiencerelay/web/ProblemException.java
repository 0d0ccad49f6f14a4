package dev.audiencerelay.web;

import java.util.List;
import java.util.Map;

/**
 * Thrown by any feature to answer with a problem document. The message is the {@code detail}
 * shown to the client, so it must name the item involved and must never hold a secret.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Problem.Violation> violations;
    private final Map<String, String> headers;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, List.of(), Map.of());
    }

    public ProblemException(
            int status, String title, String detail, List<Problem.Violation> violations, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.title = title;
        this.violations = List.copyOf(violations);
        this.headers = Map.copyOf(headers);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", detail);
    }

    public int status() {
        return status;
    }

    public Problem toProblem() {
        Problem problem = Problem.of(status, title, getMessage());
        return violations.isEmpty() ? problem : problem.withViolations(violations);
    }

    public Map<String, String> headers() {
        return headers;
    }
}
