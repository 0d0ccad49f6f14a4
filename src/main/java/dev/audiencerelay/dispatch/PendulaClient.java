package dev.audiencerelay.dispatch;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

/**
 * Posts triggers to Pendula flows. It owns the timeouts and the connection pools (one client, and so
 * one pool, per flow URL) and turns every way a request can end into a {@link PendulaAnswer}: it
 * never throws for an HTTP status or a network failure.
 */
@ApplicationScoped
public class PendulaClient {

    private static final Logger LOG = Logger.getLogger(PendulaClient.class);
    private static final int MAX_ERROR_CHARS = 200;

    private final DispatchConfig config;
    private final Map<String, PendulaFlowApi> clients = new ConcurrentHashMap<>();

    PendulaClient(DispatchConfig config) {
        this.config = config;
    }

    /** Sends one request and waits for its answer, at most the configured request timeout. */
    PendulaAnswer send(PendulaRequest request) {
        long started = System.nanoTime();
        try (Response response = client(request.flowUrl())
                .startExperience(
                        request.authorization(), request.idempotencyKey(), request.customContext(), request.body())) {
            int status = response.getStatus();
            Optional<String> retryAfter = Optional.ofNullable(response.getHeaderString("Retry-After"));
            String error = status >= 200 && status < 300 ? null : describe(status, response);
            return new PendulaAnswer(status, retryAfter, error, elapsedMs(started));
        } catch (RuntimeException e) {
            // Whatever went wrong on the way (a closed keep-alive connection surfaces as a bare Vert.x
            // exception), Pendula gave no answer: record the attempt and let the retry policy decide.
            return new PendulaAnswer(null, Optional.empty(), describe(e), elapsedMs(started));
        }
    }

    /** Builds the client of a flow URL ahead of its first request, so that request is not delayed by it. */
    void prepare(String flowUrl) {
        client(flowUrl);
    }

    private PendulaFlowApi client(String flowUrl) {
        return clients.computeIfAbsent(
                flowUrl,
                url -> QuarkusRestClientBuilder.newBuilder()
                        .baseUri(URI.create(url))
                        .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, config.maxConcurrency())
                        .followRedirects(false)
                        .disableDefaultMapper(true)
                        .build(PendulaFlowApi.class));
    }

    @PreDestroy
    void closeClients() {
        clients.values().forEach(client -> {
            try {
                ((AutoCloseable) client).close();
            } catch (Exception e) {
                LOG.debugf("Closing a Pendula client failed: %s", e.getMessage());
            }
        });
        clients.clear();
    }

    private static String describe(int status, Response response) {
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        String excerpt = body.strip().replaceAll("\\s+", " ");
        String text = excerpt.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + excerpt;
        return shorten(text);
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        boolean timedOut = message.toLowerCase().contains("timeout")
                || message.toLowerCase().contains("timed out");
        String kind = timedOut ? "timeout" : "no answer";
        return shorten(message.isBlank() ? kind : kind + ": " + message);
    }

    private static String shorten(String text) {
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS - 3) + "...";
    }

    private static long elapsedMs(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
