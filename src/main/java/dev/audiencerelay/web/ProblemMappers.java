package dev.audiencerelay.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure the REST layer sees into an {@code application/problem+json} answer. No
 * answer carries a stack trace, an exception message from a library or a Java class name: unknown
 * failures get a reference that points at the ERROR line in the log.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response mapProblem(ProblemException exception, UriInfo uri) {
        logClientError(exception.status(), uri, exception.getMessage());
        Response.ResponseBuilder response = problemResponse(exception.toProblem());
        exception.headers().forEach(response::header);
        return response.build();
    }

    @ServerExceptionMapper
    public Response mapConstraintViolation(ConstraintViolationException exception, UriInfo uri) {
        List<Problem.Violation> violations = exception.getConstraintViolations().stream()
                .map(ProblemMappers::toViolation)
                .sorted(java.util.Comparator.comparing(Problem.Violation::field))
                .toList();
        String fields =
                violations.stream().map(Problem.Violation::field).distinct().collect(Collectors.joining(", "));
        logClientError(400, uri, "invalid " + fields);
        return problemResponse(Problem.of(400, "Bad Request", "The request is invalid: " + fields)
                        .withViolations(violations))
                .build();
    }

    @ServerExceptionMapper
    public Response mapJson(JsonProcessingException exception, UriInfo uri) {
        String detail = describeJsonError(exception);
        logClientError(400, uri, detail);
        return problemResponse(Problem.of(400, "Bad Request", detail)).build();
    }

    /**
     * Quarkus REST has its own mapper for this subtype (a wrong enum value, a string for a number)
     * that answers plain JSON naming internal classes; this one wins over it by being as specific.
     */
    @ServerExceptionMapper
    public Response mapMismatchedInput(MismatchedInputException exception, UriInfo uri) {
        return mapJson(exception, uri);
    }

    @ServerExceptionMapper
    public Response mapWebApplication(WebApplicationException exception, UriInfo uri) {
        if (exception.getCause() instanceof JsonProcessingException json) {
            return mapJson(json, uri);
        }
        int status = exception.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Error" : type.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "Nothing is served at /" + uri.getPath().replaceFirst("^/", "");
            case 405 -> "This method is not allowed on /" + uri.getPath().replaceFirst("^/", "");
            case 406 -> "This resource answers application/json only";
            case 415 -> "The body must be application/json";
            default -> status >= 500 ? "The request could not be served" : title;
        };
        if (status >= 500) {
            return mapUnexpected(exception, uri);
        }
        logClientError(status, uri, detail);
        Response.ResponseBuilder response = problemResponse(Problem.of(status, title, detail));
        exception.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                values.forEach(value -> response.header(name, value));
            }
        });
        return response.build();
    }

    @ServerExceptionMapper
    public Response mapUnexpected(Throwable throwable, UriInfo uri) {
        if (DatabaseFailures.isUnavailable(throwable)) {
            LOG.warnf(
                    "Database unavailable while serving %s: %s; answering 503 so the caller retries",
                    uri.getPath(), DatabaseFailures.summary(throwable));
            return problemResponse(Problem.of(503, "Service Unavailable", "The database is unavailable; retry later"))
                    .header("Retry-After", "5")
                    .build();
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(throwable, "Unexpected failure serving %s (reference %s)", uri.getPath(), reference);
        return problemResponse(Problem.of(
                        500,
                        "Internal Server Error",
                        "The request failed unexpectedly; the service log has the details under reference "
                                + reference))
                .build();
    }

    static Response.ResponseBuilder problemResponse(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }

    private static Problem.Violation toViolation(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // Method parameters show up as "method.arg": keep what a client would recognise.
        String[] parts = path.split("\\.", 3);
        String field = parts.length == 3 ? parts[2] : parts.length == 2 ? parts[1] : path;
        // A bean parameter (a body) has a property below it; a plain parameter (query, path) does not.
        String in = parts.length == 3 ? "body" : "query";
        return new Problem.Violation(field, in, violation.getMessage());
    }

    private static String describeJsonError(JsonProcessingException exception) {
        var location = exception.getLocation();
        String where =
                location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        if (exception instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            return "Field '" + fieldPath(mismatch) + "' has the wrong type" + where;
        }
        if (exception instanceof JsonMappingException mapping
                && !mapping.getPath().isEmpty()) {
            return "Field '" + fieldPath(mapping) + "' is not valid" + where;
        }
        return "The body is not valid JSON" + where;
    }

    private static String fieldPath(JsonMappingException exception) {
        return exception.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static void logClientError(int status, UriInfo uri, String detail) {
        LOG.infof("Answered %d to %s: %s", status, uri.getPath(), detail);
    }
}
