package dev.audiencerelay.devdb;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

/**
 * In dev mode, when no {@code quarkus.datasource.jdbc.url} is configured, starts a local PostgreSQL
 * server (data kept in {@code target/dev-database}) and points the datasource at it.
 *
 * <p>Quarkus builds its configuration more than once per JVM in dev mode (build, then every live
 * reload), so the server is started once and its URL remembered in a system property. It is never
 * active in the {@code prod} profile: the packaged application only talks to a configured database.
 */
public class DevDatabaseConfigSourceFactory implements ConfigSourceFactory {

    private static final String URL_PROPERTY = "audience-relay.dev-database.url";
    private static final String JDBC_URL = "quarkus.datasource.jdbc.url";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev") || isConfigured(context.getValue(JDBC_URL))) {
            return List.of();
        }
        Map<String, String> settings = Map.of(
                JDBC_URL,
                devDatabaseUrl(),
                "quarkus.datasource.username",
                "postgres",
                "quarkus.datasource.password",
                "");
        return List.of(new PropertiesConfigSource(settings, "audience-relay dev database", 150));
    }

    private static boolean isConfigured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    private static synchronized String devDatabaseUrl() {
        String url = System.getProperty(URL_PROPERTY);
        if (url != null) {
            return url;
        }
        LocalPostgres postgres =
                LocalPostgres.start(Path.of("target", "dev-database").toAbsolutePath(), true);
        Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "dev-database-stop"));
        System.setProperty(URL_PROPERTY, postgres.jdbcUrl());
        Logger.getLogger(DevDatabaseConfigSourceFactory.class)
                .infof("Dev mode database: embedded PostgreSQL at %s", postgres.jdbcUrl());
        return postgres.jdbcUrl();
    }
}
