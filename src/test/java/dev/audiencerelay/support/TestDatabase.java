package dev.audiencerelay.support;

import dev.audiencerelay.devdb.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/** The PostgreSQL server of this test JVM, and direct SQL access for assertions. */
public final class TestDatabase {

    private static LocalPostgres embedded;

    private TestDatabase() {}

    /** True when the tests run against a server named in the environment (as CI's second pass does). */
    public static boolean isExternal() {
        String url = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        return url != null && !url.isBlank();
    }

    static synchronized TestDatabase embedded() {
        if (embedded == null) {
            Path data = Path.of(System.getProperty("java.io.tmpdir"), "audience-relay-test-" + UUID.randomUUID());
            embedded = LocalPostgres.start(data, false);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndDelete(data), "test-database-stop"));
        }
        return new TestDatabase();
    }

    /** The embedded server, for tests that stop and start it; absent against an external database. */
    public static synchronized LocalPostgres embeddedServer() {
        return embedded;
    }

    public static String url() {
        return isExternal()
                ? System.getenv("QUARKUS_DATASOURCE_JDBC_URL")
                : embedded().jdbcUrl();
    }

    public static Connection connect() throws SQLException {
        String user = isExternal() ? envOr("QUARKUS_DATASOURCE_USERNAME", "postgres") : "postgres";
        String password = isExternal() ? envOr("QUARKUS_DATASOURCE_PASSWORD", "") : "";
        return DriverManager.getConnection(url(), user, password);
    }

    /** Runs a query that returns one number, e.g. a count. */
    public static long queryLong(String sql, Object... parameters) {
        try (Connection connection = connect();
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (var result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Test query failed: " + sql, e);
        }
    }

    /** Runs a statement, e.g. to set up data the API cannot create. */
    public static int update(String sql, Object... parameters) {
        try (Connection connection = connect();
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Test statement failed: " + sql, e);
        }
    }

    String jdbcUrl() {
        return embedded.jdbcUrl();
    }

    private static void stopAndDelete(Path data) {
        embedded.close();
        try (var paths = java.nio.file.Files.walk(data)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            // A leftover directory in the temp folder is harmless.
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
