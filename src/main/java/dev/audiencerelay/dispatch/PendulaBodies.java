package dev.audiencerelay.dispatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the JSON body of SPEC.md §3.9 from a trigger's payload. */
final class PendulaBodies {

    private static final List<String> FIRST_NAME_TRAITS = List.of("firstname", "firstName", "first_name");
    private static final List<String> LAST_NAME_TRAITS = List.of("lastname", "lastName", "last_name");
    private static final List<String> MOBILE_TRAITS = List.of("mobile", "phone", "phone_number");

    private PendulaBodies() {}

    /**
     * The body for one trigger. Fields without a value are left out rather than sent as null, so a flow
     * can tell "unknown" from "empty".
     *
     * @param payload the trigger's payload: audienceKey, profileKey, userId, email, anonymousId, traits
     */
    static Map<String, Object> body(long triggerId, String campaignName, Map<String, Object> payload) {
        Map<String, Object> traits = traits(payload);
        Map<String, Object> body = new LinkedHashMap<>();
        putIfPresent(body, "firstname", firstTrait(traits, FIRST_NAME_TRAITS));
        putIfPresent(body, "lastname", firstTrait(traits, LAST_NAME_TRAITS));
        putIfPresent(body, "mobile", firstTrait(traits, MOBILE_TRAITS));
        putIfPresent(body, "email", payload.get("email"));
        putIfPresent(body, "userId", payload.get("userId"));
        putIfPresent(body, "audienceKey", payload.get("audienceKey"));
        body.put("campaignName", campaignName);
        body.put("triggerId", triggerId);
        body.put("traits", traits);
        return body;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> traits(Map<String, Object> payload) {
        return payload.get("traits") instanceof Map<?, ?> traits ? (Map<String, Object>) traits : Map.of();
    }

    /** The first trait of the list with a non-blank value, as text; numbers (a phone as digits) are kept as given. */
    private static String firstTrait(Map<String, Object> traits, List<String> names) {
        for (String name : names) {
            Object value = traits.get(name);
            if ((value instanceof String || value instanceof Number)
                    && !value.toString().isBlank()) {
                return value.toString();
            }
        }
        return null;
    }

    private static void putIfPresent(Map<String, Object> body, String field, Object value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
