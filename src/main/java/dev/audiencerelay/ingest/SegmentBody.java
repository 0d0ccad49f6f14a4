package dev.audiencerelay.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A parsed request body.
 *
 * @param events the events, in request order
 * @param single true when the body was one event rather than an array or a batch
 * @param writeKeys the {@code writeKey} values the body carries: the top-level one, or for a bare
 *     array the one of every element (null where an element has none)
 */
record SegmentBody(List<JsonNode> events, boolean single, List<String> writeKeys) {}
