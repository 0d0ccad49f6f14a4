package dev.audiencerelay.dispatch;

import java.util.Map;

/**
 * A trigger this instance holds a lease on, with everything needed to send it.
 *
 * @param attemptCount attempts made before this one
 */
record ClaimedTrigger(
        long id, long campaignId, String campaignName, int attemptCount, Map<String, Object> payload, Target target) {

    /** The destination as the trigger is sent to it; the token is still encrypted here. */
    record Target(
            long destinationId,
            String flowUrl,
            String authScheme,
            String tenantId,
            byte[] tokenCiphertext,
            String customContext,
            int rateLimitPerSecond) {}
}
