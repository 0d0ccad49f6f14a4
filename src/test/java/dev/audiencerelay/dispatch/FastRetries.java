package dev.audiencerelay.dispatch;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Shortens the dispatcher's timings so retry tests finish in seconds. Given as configuration, it
 * reaches the application in process and the packaged jar alike.
 */
public class FastRetries implements QuarkusTestResourceLifecycleManager {

    static final int MAX_ATTEMPTS = 3;

    @Override
    public Map<String, String> start() {
        return Map.of(
                "relay.dispatch.poll-interval", "500ms",
                "relay.dispatch.initial-backoff", "100ms",
                "relay.dispatch.max-backoff", "400ms",
                "relay.dispatch.max-attempts", Integer.toString(MAX_ATTEMPTS),
                "relay.dispatch.request-timeout", "1s",
                "relay.dispatch.auth-failures-before-pause", "3");
    }

    @Override
    public void stop() {}
}
