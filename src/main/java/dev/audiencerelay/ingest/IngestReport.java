package dev.audiencerelay.ingest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The answer to an ingest request.
 *
 * @param received events in the request
 * @param recorded events committed now (including ones older than the membership's last event,
 *     which are remembered but change nothing)
 * @param duplicates events whose messageId was already recorded
 * @param ignored events that are not audience membership (page calls, computed traits, ...)
 * @param rejected invalid events, by their position in the request
 */
@RegisterForReflection
public record IngestReport(int received, int recorded, int duplicates, int ignored, List<Rejection> rejected) {

    /** One invalid event of a batch: its zero-based index and why it was refused. */
    @RegisterForReflection
    public record Rejection(int index, String reason) {}
}
