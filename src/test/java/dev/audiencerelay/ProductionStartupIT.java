package dev.audiencerelay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar refuses to start without its required settings, and says which in one line. */
class ProductionStartupIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Map<String, String> COMPLETE = Map.of(
            "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/none",
            "RELAY_ADMIN_TOKEN", "admin",
            "RELAY_SECRETS_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            "RELAY_SEGMENT_WRITE_KEYS", "key");

    @Test
    void refusesToStartWithoutDatabaseUrl() throws Exception {
        Result result = launchWithout("QUARKUS_DATASOURCE_JDBC_URL");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.lines()).hasSize(1);
        assertThat(result.lines().get(0)).contains("set QUARKUS_DATASOURCE_JDBC_URL");
    }

    @Test
    void refusesToStartWithoutAdminToken() throws Exception {
        Result result = launchWithout("RELAY_ADMIN_TOKEN");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.lines())
                .containsExactly(
                        "audience-relay cannot start: set RELAY_ADMIN_TOKEN to the bearer token of the admin API");
    }

    @Test
    void refusesToStartWithoutSecretsKey() throws Exception {
        Result result = launchWithout("RELAY_SECRETS_KEY");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.lines()).hasSize(1);
        assertThat(result.lines().get(0)).contains("set RELAY_SECRETS_KEY");
    }

    @Test
    void refusesToStartWithoutSegmentCredentials() throws Exception {
        Result result = launchWithout("RELAY_SEGMENT_WRITE_KEYS");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.lines()).hasSize(1);
        assertThat(result.lines().get(0)).contains("RELAY_SEGMENT_WRITE_KEYS or RELAY_SEGMENT_SHARED_SECRET");
    }

    private record Result(int exitCode, List<String> lines) {}

    private static Result launchWithout(String missing) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", JAR.toString()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("RELAY_"));
        environment.putAll(COMPLETE);
        environment.remove(missing);
        Process process = builder.start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
            throw new AssertionError("the service started instead of refusing to");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        return new Result(process.exitValue(), lines);
    }
}
