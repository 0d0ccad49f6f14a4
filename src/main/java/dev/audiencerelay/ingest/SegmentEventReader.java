package dev.audiencerelay.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.audiencerelay.audience.MembershipEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * Recognises audience membership in a Segment event, in both shapes Engage sends: an identify with
 * {@code traits.<audience_key>} true or false, or a track {@code Audience Entered}/{@code Audience
 * Exited}. The audience key comes from {@code context.personas.computation_key}, falling back to
 * {@code properties.audience_key} for track.
 */
@ApplicationScoped
class SegmentEventReader {

    static final String ENTERED = "Audience Entered";
    static final String EXITED = "Audience Exited";

    private static final Set<String> OTHER_TYPES = Set.of("page", "screen", "group", "alias");
    private static final int MAX_ID_LENGTH = 255;

    private final Clock clock;

    SegmentEventReader(Clock clock) {
        this.clock = clock;
    }

    /**
     * Reads one event.
     *
     * @param defaultType the type implied by the endpoint ({@code /v1/identify}), or null
     */
    ReadEvent read(JsonNode event, String defaultType) {
        if (!event.isObject()) {
            return new ReadEvent.Rejected("", "the event is not a JSON object");
        }
        String type = text(event, "type");
        if (type == null) {
            type = defaultType;
        }
        if (type == null) {
            return new ReadEvent.Rejected("type", "type is missing");
        }
        return switch (type) {
            case "identify" -> readIdentify(event);
            case "track" -> readTrack(event);
            default ->
                OTHER_TYPES.contains(type)
                        ? new ReadEvent.Ignored()
                        : new ReadEvent.Rejected("type", "unknown type '" + shorten(type) + "'");
        };
    }

    private ReadEvent readIdentify(JsonNode event) {
        JsonNode personas = event.path("context").path("personas");
        String audienceKey = text(personas, "computation_key");
        if (!isAudience(personas) || audienceKey == null) {
            return new ReadEvent.Ignored();
        }
        JsonNode flag = event.path("traits").get(audienceKey);
        if (flag == null || !flag.isBoolean()) {
            return new ReadEvent.Rejected(
                    "traits." + audienceKey, "traits." + shorten(audienceKey) + " must be true or false");
        }
        ObjectNode traits = traitsWithout(event.get("traits"), audienceKey);
        String email = firstText(event.path("traits"), event.path("context").path("traits"), "email");
        return membership(event, audienceKey, flag.booleanValue(), email, traits);
    }

    private ReadEvent readTrack(JsonNode event) {
        String name = text(event, "event");
        if (!ENTERED.equals(name) && !EXITED.equals(name)) {
            return new ReadEvent.Ignored();
        }
        JsonNode personas = event.path("context").path("personas");
        if (!isAudience(personas)) {
            return new ReadEvent.Ignored();
        }
        String audienceKey = text(personas, "computation_key");
        if (audienceKey == null) {
            audienceKey = text(event.path("properties"), "audience_key");
        }
        if (audienceKey == null) {
            return new ReadEvent.Rejected(
                    "properties.audience_key",
                    "the audience key is missing (context.personas.computation_key" + " or properties.audience_key)");
        }
        boolean entered = ENTERED.equals(name);
        JsonNode flag = event.path("properties").get(audienceKey);
        String flagField = "properties." + shorten(audienceKey);
        if (flag != null && !flag.isBoolean()) {
            return new ReadEvent.Rejected(flagField, flagField + " must be true or false");
        }
        if (flag != null && flag.booleanValue() != entered) {
            return new ReadEvent.Rejected(flagField, "'" + name + "' contradicts " + flagField + "=" + flag);
        }
        JsonNode contextTraits = event.path("context").path("traits");
        ObjectNode traits = traitsWithout(contextTraits, audienceKey);
        String email = firstText(contextTraits, event.path("traits"), "email");
        return membership(event, audienceKey, entered, email, traits);
    }

    private ReadEvent membership(JsonNode event, String audienceKey, boolean entered, String email, ObjectNode traits) {
        String messageId = text(event, "messageId");
        if (messageId == null) {
            return new ReadEvent.Rejected("messageId", "messageId is missing");
        }
        if (messageId.length() > MAX_ID_LENGTH || audienceKey.length() > MAX_ID_LENGTH) {
            return new ReadEvent.Rejected(
                    "messageId", "messageId and the audience key must be at most " + MAX_ID_LENGTH + " characters");
        }
        String timestampText = text(event, "timestamp");
        Instant occurredAt = timestampText == null ? receivedAtOrNow(event) : parseInstant(timestampText);
        if (occurredAt == null) {
            return new ReadEvent.Rejected(
                    "timestamp", "timestamp '" + shorten(timestampText) + "' is not an ISO-8601 date-time with offset");
        }
        if (containsNul(event)) {
            return new ReadEvent.Rejected("", "the event contains a NUL character (\\u0000), which cannot be stored");
        }
        String userId = text(event, "userId");
        String anonymousId = text(event, "anonymousId");
        String profileKey = profileKey(userId, email, anonymousId);
        if (profileKey == null) {
            return new ReadEvent.Rejected(
                    "userId", "the event has no userId, email (traits.email or context.traits.email) or anonymousId");
        }
        return new ReadEvent.Membership(new MembershipEvent(
                messageId, audienceKey, profileKey, userId, email, anonymousId, entered, occurredAt, traits));
    }

    /** SPEC §3.4: userId, else the lower-cased email, else anonymousId. */
    // LIMITATION: profiles are not merged, so a person first sent with only an email or anonymousId
    // and later with a userId becomes two memberships and can start a campaign's flow twice.
    static String profileKey(String userId, String email, String anonymousId) {
        if (userId != null) {
            return userId;
        }
        if (email != null) {
            return email.toLowerCase(Locale.ROOT);
        }
        return anonymousId;
    }

    private static boolean isAudience(JsonNode personas) {
        String computationClass = text(personas, "computation_class");
        return computationClass == null || computationClass.equals("audience");
    }

    private Instant receivedAtOrNow(JsonNode event) {
        Instant receivedAt = parseInstant(text(event, "receivedAt"));
        return receivedAt != null ? receivedAt : clock.instant();
    }

    private static Instant parseInstant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static ObjectNode traitsWithout(JsonNode traits, String audienceKey) {
        if (traits == null || !traits.isObject()) {
            return JsonNodeFactory.instance.objectNode();
        }
        ObjectNode copy = ((ObjectNode) traits).deepCopy();
        // The flag is the membership state itself, kept in its own column.
        copy.remove(audienceKey);
        return copy;
    }

    private static String firstText(JsonNode first, JsonNode second, String field) {
        String value = text(first, field);
        return value != null ? value : text(second, field);
    }

    /** A non-blank string or number field, trimmed; null otherwise. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !(value.isTextual() || value.isNumber())) {
            return null;
        }
        String text = value.asText().trim();
        return text.isEmpty() ? null : text;
    }

    private static boolean containsNul(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\u0000') >= 0;
        }
        if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                if (field.getKey().indexOf('\u0000') >= 0 || containsNul(field.getValue())) {
                    return true;
                }
            }
            return false;
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (containsNul(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
