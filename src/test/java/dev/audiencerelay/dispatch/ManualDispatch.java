package dev.audiencerelay.dispatch;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The application without its own dispatcher: the test starts and stops the workers it needs. */
public class ManualDispatch implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "relay.dispatch.enabled", "false",
                "relay.dispatch.poll-interval", "500ms",
                "relay.dispatch.initial-backoff", "100ms",
                "relay.dispatch.max-backoff", "400ms");
    }
}
