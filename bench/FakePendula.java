import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for Pendula flow triggers, for the benchmarks and fault scenarios.
 *
 * <p>Run with the JDK source launcher, no dependencies:
 * {@code java bench/FakePendula.java --port 18090 [--fail503 0.3] [--fail429 0.05]
 * [--retry-after 1] [--delay-ms 0] [--threads 64]}.
 *
 * <p>Every POST (any path, one path per destination) is a flow trigger request. It answers 200, or
 * 503 / 429 with {@code Retry-After} by the configured fractions, and remembers per
 * {@code Idempotency-Key}: the userId found in the body, how many attempts and acceptances, and when
 * it first accepted it. Only a 200 counts as a delivery.
 *
 * <ul>
 *   <li>{@code GET /stats}: JSON totals, per-path counts and the per-second histogram of requests.
 *   <li>{@code GET /count}: JSON {@code accepted} and {@code total} requests only, cheap enough to poll.
 *   <li>{@code GET /dump}: one line per key: {@code key userId accepted attempts firstAcceptMs path}.
 *   <li>{@code POST /config?fail503=..&fail429=..&retryAfter=..&delayMs=..}: change the answers.
 *   <li>{@code POST /reset}: forget everything.
 * </ul>
 */
public class FakePendula {

    private static final Pattern USER_ID = Pattern.compile("\"userId\"\\s*:\\s*\"([^\"]*)\"");

    private static volatile double fail503;
    private static volatile double fail429;
    private static volatile int retryAfterSeconds = 1;
    private static volatile int delayMs;

    private static final Map<String, KeyRecord> KEYS = new ConcurrentHashMap<>();
    private static final Map<String, PathRecord> PATHS = new ConcurrentHashMap<>();
    private static final AtomicLong TOTAL = new AtomicLong();
    private static final AtomicLong ACCEPTED = new AtomicLong();
    private static final AtomicLong ANSWERED_503 = new AtomicLong();
    private static final AtomicLong ANSWERED_429 = new AtomicLong();
    private static final AtomicLong WITHOUT_KEY = new AtomicLong();
    /** Retries of a key that came sooner after a 429 than its Retry-After allowed. */
    private static final AtomicLong RETRY_AFTER_VIOLATIONS = new AtomicLong();
    /** Smallest gap seen between a 429 and the next request for the same key, in ms. */
    private static final AtomicLong MIN_GAP_AFTER_429 = new AtomicLong(Long.MAX_VALUE);

    /** What one Idempotency-Key went through. Guarded by its own monitor. */
    static final class KeyRecord {
        String userId;
        String path;
        int attempts;
        int accepted;
        long firstAcceptMs;
        long last429Ms;
        int last429RetryAfter;
    }

    /** Receipt times of one path (one destination), for the rate-limit check. */
    static final class PathRecord {
        final List<Long> times = new ArrayList<>();
        long accepted;
    }

    public static void main(String[] args) throws IOException {
        // The JDK server closes connections beyond 200 idle ones as soon as they go idle; a client
        // with a pool per destination then finds its kept-alive connection closed. Keep them all.
        System.setProperty("sun.net.httpserver.maxIdleConnections",
                System.getProperty("sun.net.httpserver.maxIdleConnections", "5000"));
        Map<String, String> options = parseOptions(args);
        int port = Integer.parseInt(options.getOrDefault("port", "18090"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "64"));
        fail503 = Double.parseDouble(options.getOrDefault("fail503", "0"));
        fail429 = Double.parseDouble(options.getOrDefault("fail429", "0"));
        retryAfterSeconds = Integer.parseInt(options.getOrDefault("retry-after", "1"));
        delayMs = Integer.parseInt(options.getOrDefault("delay-ms", "0"));

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext("/", FakePendula::handle);
        server.start();
        System.out.printf(
                "fake Pendula listening on 127.0.0.1:%d (fail503=%s fail429=%s retryAfter=%ds delay=%dms)%n",
                port, fail503, fail429, retryAfterSeconds, delayMs);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("/stats")) {
                reply(exchange, 200, stats(), "application/json");
            } else if (method.equals("GET") && path.equals("/count")) {
                reply(exchange, 200, "{\"accepted\":" + ACCEPTED.get() + ",\"total\":" + TOTAL.get() + "}", "application/json");
            } else if (method.equals("GET") && path.equals("/dump")) {
                reply(exchange, 200, dump(), "text/plain");
            } else if (method.equals("POST") && path.equals("/config")) {
                configure(exchange.getRequestURI());
                reply(exchange, 200, "{}", "application/json");
            } else if (method.equals("POST") && path.equals("/reset")) {
                reset();
                reply(exchange, 200, "{}", "application/json");
            } else if (method.equals("POST")) {
                trigger(exchange, path);
            } else {
                reply(exchange, 405, "{}", "application/json");
            }
        }
    }

    private static void trigger(HttpExchange exchange, String path) throws IOException {
        long now = System.currentTimeMillis();
        String body = readBody(exchange.getRequestBody());
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        TOTAL.incrementAndGet();
        PathRecord pathRecord = PATHS.computeIfAbsent(path, p -> new PathRecord());
        synchronized (pathRecord) {
            pathRecord.times.add(now);
        }
        if (delayMs > 0) {
            sleep(delayMs);
        }

        int status = chooseStatus();
        if (key == null) {
            WITHOUT_KEY.incrementAndGet();
        } else {
            record(key, path, body, status, now);
        }
        if (status == 200) {
            ACCEPTED.incrementAndGet();
            synchronized (pathRecord) {
                pathRecord.accepted++;
            }
            reply(exchange, 200, "{\"status\":\"accepted\"}", "application/json");
        } else if (status == 429) {
            ANSWERED_429.incrementAndGet();
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
            reply(exchange, 429, "{\"error\":\"too many requests\"}", "application/json");
        } else {
            ANSWERED_503.incrementAndGet();
            reply(exchange, 503, "{\"error\":\"unavailable\"}", "application/json");
        }
    }

    private static int chooseStatus() {
        double draw = ThreadLocalRandom.current().nextDouble();
        if (draw < fail503) {
            return 503;
        }
        if (draw < fail503 + fail429) {
            return 429;
        }
        return 200;
    }

    private static void record(String key, String path, String body, int status, long now) {
        KeyRecord record = KEYS.computeIfAbsent(key, k -> new KeyRecord());
        synchronized (record) {
            if (record.last429Ms > 0) {
                long gap = now - record.last429Ms;
                MIN_GAP_AFTER_429.accumulateAndGet(gap, Math::min);
                // 50 ms of slack for clock granularity on both sides.
                if (gap < record.last429RetryAfter * 1000L - 50) {
                    RETRY_AFTER_VIOLATIONS.incrementAndGet();
                }
                record.last429Ms = 0;
            }
            record.attempts++;
            record.path = path;
            if (record.userId == null) {
                Matcher matcher = USER_ID.matcher(body);
                record.userId = matcher.find() ? matcher.group(1) : "-";
            }
            if (status == 200) {
                record.accepted++;
                if (record.firstAcceptMs == 0) {
                    record.firstAcceptMs = now;
                }
            } else if (status == 429) {
                record.last429Ms = now;
                record.last429RetryAfter = retryAfterSeconds;
            }
        }
    }

    private static String stats() {
        long distinctAccepted = 0;
        long acceptedMoreThanOnce = 0;
        long extraAcceptances = 0;
        for (KeyRecord record : KEYS.values()) {
            synchronized (record) {
                if (record.accepted > 0) {
                    distinctAccepted++;
                }
                if (record.accepted > 1) {
                    acceptedMoreThanOnce++;
                    extraAcceptances += record.accepted - 1;
                }
            }
        }
        StringBuilder json = new StringBuilder();
        json.append("{\"total\":").append(TOTAL.get());
        json.append(",\"accepted\":").append(ACCEPTED.get());
        json.append(",\"answered503\":").append(ANSWERED_503.get());
        json.append(",\"answered429\":").append(ANSWERED_429.get());
        json.append(",\"withoutKey\":").append(WITHOUT_KEY.get());
        json.append(",\"distinctKeys\":").append(KEYS.size());
        json.append(",\"distinctKeysAccepted\":").append(distinctAccepted);
        json.append(",\"keysAcceptedMoreThanOnce\":").append(acceptedMoreThanOnce);
        json.append(",\"extraAcceptances\":").append(extraAcceptances);
        long minGap = MIN_GAP_AFTER_429.get();
        json.append(",\"minGapAfter429Ms\":").append(minGap == Long.MAX_VALUE ? "null" : minGap);
        json.append(",\"retryAfterViolations\":").append(RETRY_AFTER_VIOLATIONS.get());
        json.append(",\"paths\":{");
        boolean first = true;
        for (Map.Entry<String, PathRecord> entry : new TreeMap<>(PATHS).entrySet()) {
            json.append(first ? "" : ",").append('"').append(entry.getKey()).append("\":");
            appendPath(json, entry.getValue());
            first = false;
        }
        return json.append("}}").toString();
    }

    private static void appendPath(StringBuilder json, PathRecord record) {
        List<Long> times;
        long accepted;
        synchronized (record) {
            times = new ArrayList<>(record.times);
            accepted = record.accepted;
        }
        times.sort(null);
        TreeMap<Long, Integer> perSecond = new TreeMap<>();
        for (long time : times) {
            perSecond.merge(time / 1000, 1, Integer::sum);
        }
        int maxSliding = 0;
        int start = 0;
        for (int end = 0; end < times.size(); end++) {
            while (times.get(end) - times.get(start) >= 1000) {
                start++;
            }
            maxSliding = Math.max(maxSliding, end - start + 1);
        }
        json.append("{\"requests\":").append(times.size());
        json.append(",\"accepted\":").append(accepted);
        json.append(",\"firstMs\":").append(times.isEmpty() ? "null" : times.getFirst());
        json.append(",\"lastMs\":").append(times.isEmpty() ? "null" : times.getLast());
        json.append(",\"maxPerSecond\":").append(perSecond.values().stream().mapToInt(i -> i).max().orElse(0));
        json.append(",\"maxPerSlidingSecond\":").append(maxSliding);
        json.append(",\"perSecond\":{");
        boolean first = true;
        for (Map.Entry<Long, Integer> entry : perSecond.entrySet()) {
            json.append(first ? "" : ",").append('"').append(entry.getKey()).append("\":").append(entry.getValue());
            first = false;
        }
        json.append("}}");
    }

    private static String dump() {
        StringBuilder text = new StringBuilder();
        KEYS.forEach((key, record) -> {
            synchronized (record) {
                text.append(key).append(' ').append(record.userId).append(' ').append(record.accepted);
                text.append(' ').append(record.attempts).append(' ').append(record.firstAcceptMs);
                text.append(' ').append(record.path).append('\n');
            }
        });
        return text.toString();
    }

    private static void configure(URI uri) {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] parts = pair.split("=", 2);
                query.put(parts[0], parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
        }
        fail503 = Double.parseDouble(query.getOrDefault("fail503", Double.toString(fail503)));
        fail429 = Double.parseDouble(query.getOrDefault("fail429", Double.toString(fail429)));
        retryAfterSeconds = Integer.parseInt(query.getOrDefault("retryAfter", Integer.toString(retryAfterSeconds)));
        delayMs = Integer.parseInt(query.getOrDefault("delayMs", Integer.toString(delayMs)));
        System.out.printf(
                "fake Pendula reconfigured: fail503=%s fail429=%s retryAfter=%ds delay=%dms%n",
                fail503, fail429, retryAfterSeconds, delayMs);
    }

    private static void reset() {
        KEYS.clear();
        PATHS.clear();
        TOTAL.set(0);
        ACCEPTED.set(0);
        ANSWERED_503.set(0);
        ANSWERED_429.set(0);
        WITHOUT_KEY.set(0);
        RETRY_AFTER_VIOLATIONS.set(0);
        MIN_GAP_AFTER_429.set(Long.MAX_VALUE);
    }

    private static String readBody(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void reply(HttpExchange exchange, int status, String body, String contentType)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }
}
