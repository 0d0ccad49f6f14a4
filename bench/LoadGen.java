import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Posts single Segment-shaped audience enters ({@code identify} with {@code context.personas}) to the
 * service, and logs which userIds were acknowledged, so the fault scenarios can check that every
 * acknowledged enter is delivered exactly once.
 *
 * <p>{@code java bench/LoadGen.java --url URL --write-key KEY --audience KEY --prefix P
 * (--concurrency C | --rate R) --count N --duration S [--retries K] [--log FILE] [--timeline true]}
 *
 * <p>Closed loop with {@code --concurrency}: C workers each send the next event when the previous
 * one is answered. Open loop with {@code --rate}: one event every 1/R s whatever the answers (a
 * constant rate, like wrk2), at most 4,096 in flight. Stops after N events or S seconds, whichever
 * comes first. With {@code --retries}, an event answered other than 200 (or not answered) is sent
 * again with the same messageId, as Segment would, 1 s later.
 *
 * <p>The log has one line per event: {@code userId status sentMs answeredMs attempts}; status is the
 * last answer, -1 when there was none. Prints a summary (and a per-second timeline if asked).
 */
public class LoadGen {

    private static final int MAX_IN_FLIGHT = 4096;

    private final HttpClient client;
    private final URI url;
    private final String authorization;
    private final String audience;
    private final String prefix;
    private final int retries;
    private final Duration timeout;
    private final long count;
    private final long deadlineNanos;
    private final BufferedWriter log;

    private final AtomicLong next = new AtomicLong();
    private final LongAdder sent = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> okLatenciesMicros = new ConcurrentLinkedQueue<>();
    private final Map<Long, int[]> timeline = new ConcurrentHashMap<>();

    LoadGen(Map<String, String> options) throws IOException {
        this.url = URI.create(options.get("url"));
        String credentials = options.getOrDefault("write-key", "bench-write-key") + ":";
        this.authorization =
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        this.audience = options.getOrDefault("audience", "bench_audience");
        this.prefix = options.getOrDefault("prefix", "u" + System.currentTimeMillis());
        this.retries = Integer.parseInt(options.getOrDefault("retries", "0"));
        this.timeout = Duration.ofMillis(Long.parseLong(options.getOrDefault("timeout-ms", "10000")));
        this.count = Long.parseLong(options.getOrDefault("count", "1000"));
        long durationSeconds = Long.parseLong(options.getOrDefault("duration", "30"));
        this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds);
        this.log = options.containsKey("log") ? Files.newBufferedWriter(Path.of(options.get("log"))) : null;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parseOptions(args);
        LoadGen generator = new LoadGen(options);
        long start = System.nanoTime();
        if (options.containsKey("rate")) {
            generator.runAtRate(Double.parseDouble(options.get("rate")));
        } else {
            generator.runClosedLoop(Integer.parseInt(options.getOrDefault("concurrency", "16")));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        generator.finish(seconds, Boolean.parseBoolean(options.getOrDefault("timeline", "false")));
    }

    private void runClosedLoop(int concurrency) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofVirtual().start(() -> {
                long sequence;
                while ((sequence = next.getAndIncrement()) < count && System.nanoTime() < deadlineNanos) {
                    sendEvent(sequence);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private void runAtRate(double rate) throws InterruptedException {
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        long start = System.nanoTime();
        long intervalNanos = (long) (1e9 / rate);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long sequence = 0; sequence < count; sequence++) {
                long due = start + sequence * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (System.nanoTime() >= deadlineNanos) {
                    break;
                }
                inFlight.acquire();
                long event = sequence;
                executor.submit(() -> {
                    try {
                        sendEvent(event);
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
    }

    /** Sends one event, retrying with the same messageId if asked, and logs the last outcome. */
    private void sendEvent(long sequence) {
        String userId = prefix + "-" + sequence;
        byte[] body = eventBody(userId, prefix + "-m-" + sequence).getBytes(StandardCharsets.UTF_8);
        sent.increment();
        long sentMs = System.currentTimeMillis();
        int status = -1;
        int attempts = 0;
        long answeredMs = 0;
        while (attempts <= retries) {
            attempts++;
            long startNanos = System.nanoTime();
            status = post(body);
            answeredMs = System.currentTimeMillis();
            countAnswer(status, answeredMs);
            if (status == 200) {
                acknowledged.increment();
                okLatenciesMicros.add((System.nanoTime() - startNanos) / 1000);
                break;
            }
            if (attempts <= retries && !sleepBeforeRetry()) {
                break;
            }
        }
        writeLog(userId + " " + status + " " + sentMs + " " + answeredMs + " " + attempts);
    }

    private int post(byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private boolean sleepBeforeRetry() {
        if (System.nanoTime() + TimeUnit.SECONDS.toNanos(1) >= deadlineNanos + TimeUnit.SECONDS.toNanos(30)) {
            return false;
        }
        try {
            Thread.sleep(1000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String eventBody(String userId, String messageId) {
        return "{\"type\":\"identify\",\"messageId\":\"" + messageId + "\",\"userId\":\"" + userId
                + "\",\"timestamp\":\"" + Instant.now() + "\",\"traits\":{\"" + audience + "\":true,"
                + "\"email\":\"" + userId + "@bench.example\",\"first_name\":\"Bench\",\"phone\":\"+61400000000\"},"
                + "\"context\":{\"personas\":{\"computation_class\":\"audience\",\"computation_key\":\"" + audience
                + "\",\"computation_id\":\"aud_bench\",\"namespace\":\"spa_bench\",\"space_id\":\"spa_bench\"}},"
                + "\"integrations\":{\"All\":false,\"Webhooks\":true}}";
    }

    private void countAnswer(int status, long answeredMs) {
        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
        int[] second = timeline.computeIfAbsent(answeredMs / 1000, s -> new int[3]);
        synchronized (second) {
            second[status == 200 ? 0 : status == -1 ? 2 : 1]++;
        }
    }

    private synchronized void writeLog(String line) {
        if (log == null) {
            return;
        }
        try {
            log.write(line);
            log.newLine();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the load log", e);
        }
    }

    private void finish(double seconds, boolean printTimeline) throws IOException {
        if (log != null) {
            log.close();
        }
        List<Long> latencies = new ArrayList<>(okLatenciesMicros);
        latencies.sort(null);
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((status, adder) -> byStatus.put(status, adder.sum()));
        if (printTimeline) {
            System.out.println("timeline (second: ok / other status / no answer):");
            new TreeMap<>(timeline).forEach((second, counts) -> System.out.printf(
                    "  %d: %d / %d / %d%n", second, counts[0], counts[1], counts[2]));
        }
        System.out.printf(
                "loadgen events=%d acknowledged=%d answers=%s seconds=%.1f ack_per_s=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
                sent.sum(), acknowledged.sum(), byStatus, seconds, acknowledged.sum() / seconds,
                percentile(latencies, 50), percentile(latencies, 99), percentile(latencies, 100));
    }

    private static double percentile(List<Long> sortedMicros, double p) {
        if (sortedMicros.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedMicros.size()) - 1;
        return sortedMicros.get(Math.max(0, Math.min(index, sortedMicros.size() - 1))) / 1000.0;
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }
}
