package dev.audiencerelay.campaign;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A profile that entered an audience, as the trigger writer needs it.
 *
 * @param entryCount how many times the profile has entered so far (1 on the first entry)
 * @param traits the member's traits at the moment of entry
 */
public record MemberEntry(
        String audienceKey,
        String profileKey,
        int entryCount,
        String userId,
        String email,
        String anonymousId,
        ObjectNode traits) {}
