package dev.audiencerelay.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.audiencerelay.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a raw body into events: one event, a JSON array of events (Webhooks Actions batching), or
 * {@code {"batch":[...]}} (Segment's HTTP Tracking API).
 */
@ApplicationScoped
class SegmentBodyParser {

    private final ObjectReader reader;
    private final ObjectMapper mapper;
    private final IngestConfig config;

    SegmentBodyParser(ObjectMapper mapper, IngestConfig config) {
        this.mapper = mapper;
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.config = config;
    }

    SegmentBody parse(byte[] body) {
        JsonNode root = readJson(body);
        if (root.isArray()) {
            List<JsonNode> events = elements(root);
            List<String> writeKeys =
                    events.stream().map(e -> textOrNull(e.get("writeKey"))).toList();
            return checkedCount(new SegmentBody(events, false, writeKeys));
        }
        if (!root.isObject()) {
            throw ProblemException.badRequest(
                    "The body must be a JSON object (one event or {\"batch\":[...]})" + " or a JSON array of events");
        }
        List<String> writeKey = new ArrayList<>();
        writeKey.add(textOrNull(root.get("writeKey")));
        JsonNode batch = root.get("batch");
        if (batch == null) {
            return new SegmentBody(List.of(root), true, writeKey);
        }
        if (!batch.isArray()) {
            throw ProblemException.badRequest("'batch' must be a JSON array of events");
        }
        return checkedCount(new SegmentBody(elements(batch), false, writeKey));
    }

    /** The size of an event as compact JSON, the measure the 32 KB limit applies to. */
    int sizeOf(JsonNode event, int bodyBytes) {
        if (bodyBytes <= config.maxEventBytes()) {
            // No event can be larger than the body it came in: skip the measuring.
            return bodyBytes;
        }
        try {
            return mapper.writeValueAsBytes(event).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A parsed JSON tree could not be written back", e);
        }
    }

    private JsonNode readJson(byte[] body) {
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("The body is empty; it must be a Segment event or batch");
        }
        try {
            JsonNode root = reader.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw ProblemException.badRequest("The body is empty; it must be a Segment event or batch");
            }
            return root;
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where =
                    location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw ProblemException.badRequest("The body is not valid JSON" + where);
        } catch (java.io.IOException e) {
            throw ProblemException.badRequest("The body could not be read as JSON");
        }
    }

    private SegmentBody checkedCount(SegmentBody body) {
        if (body.events().size() > config.maxBatchEvents()) {
            throw new ProblemException(
                    413,
                    "Content Too Large",
                    "The batch has " + body.events().size() + " events; at most " + config.maxBatchEvents()
                            + " are accepted per request");
        }
        return body;
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> events = new ArrayList<>(array.size());
        array.forEach(events::add);
        return events;
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
