package dev.audiencerelay.campaign;

import dev.audiencerelay.web.Problem;
import dev.audiencerelay.web.ProblemException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** 400 answers for body rules Bean Validation cannot express, shaped like its own answers. */
final class Violations {

    private Violations() {}

    static ProblemException invalidBody(String field, String message) {
        return new ProblemException(
                400,
                "Bad Request",
                "The request is invalid: " + field,
                List.of(new Problem.Violation(field, "body", message)),
                Map.of());
    }

    /** True when a unique constraint rejected the write (SQL state 23505), e.g. a name race. */
    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
