package dev.audiencerelay.dispatch;

import java.util.Map;

/**
 * One POST to a Pendula flow.
 *
 * @param customContext the destination's {@code X-PENDULA-CUSTOM-CONTEXT}, or null to send none
 */
record PendulaRequest(
        String flowUrl, String authorization, String idempotencyKey, String customContext, Map<String, Object> body) {

    @Override
    public String toString() {
        // Never print the authorization header.
        return "PendulaRequest[" + flowUrl + ", idempotencyKey=" + idempotencyKey + "]";
    }
}
