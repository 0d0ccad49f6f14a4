package dev.audiencerelay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The secrets every test run uses, given to the application as configuration. The packaged jar runs
 * in the prod profile during integration tests, so these must come from here rather than from a
 * {@code %test} profile.
 */
public class TestSettings implements QuarkusTestResourceLifecycleManager {

    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String WRITE_KEY = "test-write-key";
    public static final String SECOND_WRITE_KEY = "second-test-write-key";
    public static final String SHARED_SECRET = "test-shared-secret";
    /** Base64 of 32 bytes; encrypts destination tokens in tests. */
    public static final String SECRETS_KEY = "dGVzdC1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=";

    @Override
    public Map<String, String> start() {
        return Map.of(
                "relay.admin.token", ADMIN_TOKEN,
                "relay.segment.write-keys", WRITE_KEY + "," + SECOND_WRITE_KEY,
                "relay.segment.shared-secret", SHARED_SECRET,
                "relay.secrets.key", SECRETS_KEY);
    }

    @Override
    public void stop() {}
}
