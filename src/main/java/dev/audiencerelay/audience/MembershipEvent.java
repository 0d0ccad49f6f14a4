package dev.audiencerelay.audience;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One recognised enter or exit of a profile, as read from a Segment event.
 *
 * @param messageId the Segment message id, remembered as the last one applied
 * @param profileKey userId, else the lower-cased email, else anonymousId
 * @param entered true for an enter, false for an exit
 * @param occurredAt the event's timestamp: events are applied in this order per membership
 * @param traits the profile traits the event carried (never the audience flag itself)
 */
public record MembershipEvent(
        String messageId,
        String audienceKey,
        String profileKey,
        String userId,
        String email,
        String anonymousId,
        boolean entered,
        Instant occurredAt,
        ObjectNode traits) {

    /** The membership this event belongs to. */
    public MembershipKey key() {
        return new MembershipKey(audienceKey, profileKey);
    }

    /** Identifies one membership row. */
    public record MembershipKey(String audienceKey, String profileKey) {}
}
