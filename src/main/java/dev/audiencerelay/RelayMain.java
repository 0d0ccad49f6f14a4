package dev.audiencerelay;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Entry point. In the prod profile it checks, before anything else starts, that the settings the
 * service cannot run without are present, and otherwise exits with one line naming them.
 */
@QuarkusMain
public class RelayMain {

    public static void main(String... args) {
        Config config = ConfigProvider.getConfig();
        if (isProduction(config)) {
            List<String> missing = missingProductionSettings(config);
            if (!missing.isEmpty()) {
                // Plain stderr on purpose: logging is not set up before Quarkus starts, and the
                // operator must see exactly one line.
                System.err.println("audience-relay cannot start: " + String.join("; ", missing));
                System.exit(78);
            }
        }
        Quarkus.run(args);
    }

    /**
     * The packaged jar and the native executable are production. Dev mode runs this class from
     * {@code target/classes} and brings its own database and secrets (at this point, before Quarkus
     * starts, the dev profile is not visible in the configuration yet), and tests never call main.
     */
    private static boolean isProduction(Config config) {
        if (config.getOptionalValue("quarkus.profile", String.class)
                .filter(p -> !p.equals("prod"))
                .isPresent()) {
            return false;
        }
        CodeSource source = RelayMain.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return true;
        }
        return !source.getLocation().getPath().endsWith("/");
    }

    /** One sentence per problem, naming the environment variable to set. */
    static List<String> missingProductionSettings(Config config) {
        List<String> problems = new ArrayList<>();
        if (value(config, "quarkus.datasource.jdbc.url").isEmpty()) {
            problems.add("set QUARKUS_DATASOURCE_JDBC_URL to the JDBC URL of its PostgreSQL database"
                    + " (e.g. jdbc:postgresql://db:5432/relay)");
        }
        if (value(config, "relay.admin.token").isEmpty()) {
            problems.add("set RELAY_ADMIN_TOKEN to the bearer token of the admin API");
        }
        Optional<String> secretsKey = value(config, "relay.secrets.key");
        if (secretsKey.isEmpty()) {
            problems.add("set RELAY_SECRETS_KEY to a base64 256-bit key (e.g. from: openssl rand -base64 32)");
        } else if (!isAes256Key(secretsKey.get())) {
            problems.add("RELAY_SECRETS_KEY must be base64 of exactly 32 bytes (e.g. from: openssl rand -base64 32)");
        }
        if (value(config, "relay.segment.write-keys").isEmpty()
                && value(config, "relay.segment.shared-secret").isEmpty()) {
            problems.add("set RELAY_SEGMENT_WRITE_KEYS or RELAY_SEGMENT_SHARED_SECRET so Segment can authenticate");
        }
        return problems;
    }

    private static Optional<String> value(Config config, String key) {
        return config.getOptionalValue(key, String.class).filter(value -> !value.isBlank());
    }

    private static boolean isAes256Key(String base64) {
        try {
            return Base64.getDecoder().decode(base64.trim()).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
