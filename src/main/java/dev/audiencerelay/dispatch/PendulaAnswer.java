package dev.audiencerelay.dispatch;

import java.util.Optional;

/**
 * What came of one POST to Pendula.
 *
 * @param statusCode the HTTP status, or null when no answer came (timeout, refused connection)
 * @param retryAfter the raw {@code Retry-After} header, if any
 * @param error a short description for the attempt record, null on success
 * @param durationMs from the start of the request to its answer or failure
 */
record PendulaAnswer(Integer statusCode, Optional<String> retryAfter, String error, long durationMs) {

    boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
}
