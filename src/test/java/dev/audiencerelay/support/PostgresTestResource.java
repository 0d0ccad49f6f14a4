package dev.audiencerelay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives every test a real PostgreSQL: the one named by {@code QUARKUS_DATASOURCE_JDBC_URL} when it
 * is set, else the embedded server of {@link TestDatabase}. The application under test, in process
 * or as the packaged jar, receives the URL as configuration.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        if (TestDatabase.isExternal()) {
            return Map.of();
        }
        TestDatabase database = TestDatabase.embedded();
        return Map.of(
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        // The embedded server lives as long as the test JVM, so restarts between test profiles are cheap.
    }
}
