package dev.audiencerelay.ingest;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiencerelay.support.TestDatabase;
import dev.audiencerelay.support.TestSettings;
import io.restassured.response.ValidatableResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds Segment Engage events the way Segment sends them, and posts them with a write key. */
final class SegmentEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SegmentEvents() {}

    /** A fresh audience key, so every test has its own rows in the shared database. */
    static String audienceKey() {
        return "vip_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static String messageId() {
        return "msg-" + UUID.randomUUID();
    }

    /** An Engage identify: {@code traits.<audience> = entered}. */
    static Map<String, Object> identify(String audienceKey, String userId, boolean entered, String timestamp) {
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put(audienceKey, entered);
        traits.put("email", userId + "@example.com");
        Map<String, Object> event = base("identify", userId, timestamp, personas(audienceKey));
        event.put("traits", traits);
        return event;
    }

    /** An Engage track: {@code Audience Entered} or {@code Audience Exited}. */
    static Map<String, Object> track(String audienceKey, String userId, boolean entered, String timestamp) {
        Map<String, Object> context = personas(audienceKey);
        context.put("traits", new LinkedHashMap<>(Map.of("email", userId + "@example.com")));
        Map<String, Object> event = base("track", userId, timestamp, context);
        event.put("event", entered ? "Audience Entered" : "Audience Exited");
        event.put("properties", new LinkedHashMap<>(Map.of("audience_key", audienceKey, audienceKey, entered)));
        return event;
    }

    private static Map<String, Object> base(String type, String userId, String timestamp, Map<String, Object> context) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("messageId", messageId());
        if (userId != null) {
            event.put("userId", userId);
        }
        event.put("timestamp", timestamp);
        event.put("receivedAt", timestamp);
        event.put("context", context);
        event.put("integrations", Map.of());
        return event;
    }

    private static Map<String, Object> personas(String audienceKey) {
        Map<String, Object> personas = new LinkedHashMap<>();
        personas.put("computation_class", "audience");
        personas.put("computation_key", audienceKey);
        personas.put("computation_id", "aud_" + audienceKey);
        personas.put("namespace", "spa_test");
        personas.put("space_id", "spa_test");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("personas", personas);
        return context;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Map<String, Object> batch(List<?> events) {
        return Map.of("batch", events);
    }

    /** Posts a JSON body with {@code Authorization: Bearer <write key>}. */
    static ValidatableResponse post(String path, Object body) {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + TestSettings.WRITE_KEY)
                .body(body instanceof String text ? text : json(body))
                .post(path)
                .then();
    }

    static long members(String audienceKey) {
        return TestDatabase.queryLong("select count(*) from membership where audience_key = ?", audienceKey);
    }

    static String state(String audienceKey, String profileKey) {
        return text("select state from membership where audience_key = ? and profile_key = ?", audienceKey, profileKey);
    }

    /** One text value (or null) from a query. */
    static String text(String sql, Object... parameters) {
        try (var connection = TestDatabase.connect();
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (var rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Test query failed: " + sql, e);
        }
    }

    static long processed(String messageId) {
        return TestDatabase.queryLong("select count(*) from processed_message where message_id = ?", messageId);
    }

    /** A membership column as UTC ISO text (second precision), e.g. {@code 2024-05-01T10:00:00Z}. */
    static String utc(String column, String audienceKey, String profileKey) {
        return text(
                "select to_char(" + column + " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                        + " from membership where audience_key = ? and profile_key = ?",
                audienceKey,
                profileKey);
    }
}
