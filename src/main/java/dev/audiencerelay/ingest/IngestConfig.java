package dev.audiencerelay.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How Segment authenticates, how large its requests may be, and how ingest groups its commits. */
@ConfigMapping(prefix = "relay.segment")
public interface IngestConfig {

    /**
     * Write keys accepted as HTTP Basic user name, {@code Bearer} token or body {@code writeKey}
     * ({@code RELAY_SEGMENT_WRITE_KEYS}, comma-separated). No default: without keys and without a
     * shared secret nobody can post events.
     */
    Optional<List<String>> writeKeys();

    /**
     * Secret of the {@code X-Signature} HMAC-SHA1 of the raw body
     * ({@code RELAY_SEGMENT_SHARED_SECRET}). No default.
     */
    Optional<String> sharedSecret();

    /** Largest request body in bytes; larger bodies are answered 413. Default 524288 (512 KB). */
    @WithDefault("524288")
    int maxBodyBytes();

    /** Largest single event in bytes (compact JSON); a larger event is rejected. Default 32768 (32 KB). */
    @WithDefault("32768")
    int maxEventBytes();

    /** Most events in one request; a larger batch is answered 413. Default 2500. */
    @WithDefault("2500")
    int maxBatchEvents();

    /** Group commit of concurrent requests. */
    GroupCommit groupCommit();

    /** Forgetting old Segment message ids. */
    ProcessedMessages processedMessages();

    /** Tuning of the writers that commit the events of many concurrent requests together. */
    interface GroupCommit {

        /**
         * Writer threads, each with its own connection: while one group waits for its commit to be
         * flushed, the next one is already being written. Default 3.
         */
        @WithDefault("3")
        int writers();

        /**
         * Most events committed in one transaction; the writer stops taking waiting requests once a
         * group reaches it (one request is never split). Default 5000.
         */
        @WithDefault("5000")
        int maxEvents();

        /**
         * Most requests waiting for the writer; beyond it requests are answered 503 with
         * Retry-After so Segment backs off instead of the service running out of memory. Default 10000.
         */
        @WithDefault("10000")
        int maxQueuedRequests();
    }

    /** Retention of the message ids that make redeliveries harmless. */
    interface ProcessedMessages {

        /**
         * How long a message id is remembered. Segment retries a delivery for up to 4 hours, so
         * anything well above that is safe. Default 7d.
         */
        @WithDefault("7d")
        Duration retention();

        /** How often old message ids are purged. Default 15m. */
        @WithDefault("15m")
        Duration purgeInterval();

        /** Rows deleted per statement, so a purge never holds locks for long. Default 5000. */
        @WithDefault("5000")
        int purgeBatchSize();
    }
}
