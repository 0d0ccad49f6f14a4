package dev.audiencerelay.dispatch;

import dev.audiencerelay.campaign.TokenCipher;
import dev.audiencerelay.web.DatabaseFailures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One instance's share of the delivery work, under one lease owner name.
 *
 * <p>A loop thread claims due triggers, reserves a rate-limit slot for each with {@link SendSlots}
 * and hands each to a virtual thread that waits for its slot, posts it and records the outcome.
 * Triggers that got no slot go straight back to the outbox, marked due when their destination has
 * room again. A semaphore bounds the triggers held at once. The loop sleeps until woken (new
 * triggers, the scheduled poll, a finished send when it was out of capacity) or until the next
 * throttled destination has room.
 */
final class DispatchWorker {

    private static final Logger LOG = Logger.getLogger(DispatchWorker.class);
    private static final Duration RECORD_RETRY_PAUSE = Duration.ofSeconds(1);

    private final String owner;
    private final DispatchConfig config;
    private final TriggerStore store;
    private final SendSlots slots;
    private final PendulaClient pendula;
    private final TokenCipher cipher;
    private final DispatchMetrics metrics;
    private final Clock clock;
    private final RetryPolicy policy;

    private final Semaphore capacity;
    private final Semaphore wakeUps = new Semaphore(0);
    /** Claimed triggers whose send has not started; whoever removes an id owns that trigger. */
    private final Set<Long> waiting = ConcurrentHashMap.newKeySet();

    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong attemptsMade = new AtomicLong();
    private volatile boolean running;
    private volatile boolean outOfCapacity;
    private Thread loop;

    DispatchWorker(
            String owner,
            DispatchConfig config,
            TriggerStore store,
            SendSlots slots,
            PendulaClient pendula,
            TokenCipher cipher,
            DispatchMetrics metrics,
            Clock clock) {
        this.owner = owner;
        this.config = config;
        this.store = store;
        this.slots = slots;
        this.pendula = pendula;
        this.cipher = cipher;
        this.metrics = metrics;
        this.clock = clock;
        this.policy = new RetryPolicy(config, clock);
        this.capacity = new Semaphore(config.maxConcurrency());
    }

    String owner() {
        return owner;
    }

    /** Requests this worker has sent to Pendula since it started. */
    long attemptsMade() {
        return attemptsMade.get();
    }

    synchronized void start() {
        running = true;
        loop = Thread.ofPlatform().name("relay-dispatch-" + owner).daemon().start(this::runLoop);
    }

    /** Asks for a claim round now; cheap and safe to call from any thread at any time. */
    void wake() {
        wakeUps.release();
    }

    /**
     * Stops claiming, gives back the triggers that are claimed but unsent, and waits (at most the
     * shutdown timeout) for requests already sent to be answered and recorded. A request still open
     * after that keeps its lease, so it is only sent again after the lease ends.
     */
    void stop() {
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
        }
        wake();
        joinLoop();
        releaseUnsent();
        boolean settled = awaitInFlight();
        senders.shutdownNow();
        if (!settled) {
            LOG.warnf(
                    "Dispatcher %s stopped with requests to Pendula still open; their triggers are sent again after"
                            + " their lease of %s ends",
                    owner, config.lease());
        }
    }

    private void runLoop() {
        while (running) {
            Duration pause;
            try {
                pause = runRound();
            } catch (RuntimeException e) {
                logRoundFailure(e);
                pause = config.pollInterval();
            }
            sleep(pause);
        }
    }

    /** One claim round; answers how long the loop may sleep before the next one. */
    private Duration runRound() {
        int wanted = Math.min(config.batchSize(), capacity.availablePermits());
        if (wanted == 0) {
            outOfCapacity = true;
            return config.pollInterval();
        }
        capacity.acquireUninterruptibly(wanted);
        List<ClaimedTrigger> claimed;
        try {
            claimed = store.claim(owner, wanted, config.lease());
        } catch (RuntimeException e) {
            capacity.release(wanted);
            throw e;
        }
        // Only this thread takes permits, so the ones the claim did not use go straight back.
        capacity.release(wanted - claimed.size());
        Duration pause = config.pollInterval();
        for (List<ClaimedTrigger> group : byDestination(claimed).values()) {
            try {
                pause = min(pause, scheduleSends(group));
            } catch (RuntimeException e) {
                logRoundFailure(e);
            }
        }
        boolean full = claimed.size() == wanted;
        outOfCapacity = full && wanted < config.batchSize();
        return full && !outOfCapacity ? Duration.ZERO : pause;
    }

    /** Reserves slots for one destination's triggers; answers when the ones without a slot can have one. */
    private Duration scheduleSends(List<ClaimedTrigger> group) {
        ClaimedTrigger.Target target = group.get(0).target();
        long askedAt = System.nanoTime();
        SendSlots.Reservation reservation;
        try {
            reservation = slots.reserve(target.destinationId(), target.rateLimitPerSecond(), group.size());
        } catch (RuntimeException e) {
            giveBack(group, null);
            throw e;
        }
        long answeredAt = System.nanoTime();
        for (int i = 0; i < reservation.granted(); i++) {
            long delay = reservation.delayOf(i).toNanos();
            Slot slot = new Slot(askedAt + delay, answeredAt + delay);
            ClaimedTrigger trigger = group.get(i);
            waiting.add(trigger.id());
            senders.execute(() -> sendAt(trigger, slot));
        }
        List<ClaimedTrigger> throttled = group.subList(reservation.granted(), group.size());
        if (throttled.isEmpty()) {
            return config.pollInterval();
        }
        giveBack(throttled, reservation.retryAt());
        return reservation.untilRetry();
    }

    private void giveBack(List<ClaimedTrigger> triggers, Instant notBefore) {
        try {
            store.release(owner, triggers.stream().map(ClaimedTrigger::id).toList(), notBefore);
        } finally {
            capacity.release(triggers.size());
        }
    }

    /**
     * Where a slot falls on this JVM's clock. The database's "now" was read somewhere between asking
     * and the answer, so the slot lies between {@code earliest} and {@code latest}: the send waits for
     * the latest and is judged late from the earliest, which keeps it within the tolerance of the
     * true slot however long the database took to answer.
     */
    private record Slot(long earliest, long latest) {}

    /** Runs on the trigger's own virtual thread: prepares, waits for the slot, then sends unless too late. */
    private void sendAt(ClaimedTrigger trigger, Slot slot) {
        Prepared prepared = prepare(trigger);
        sleepUntil(slot.latest());
        if (!waiting.remove(trigger.id())) {
            return; // shutdown gave it back
        }
        try {
            long lateNanos = System.nanoTime() - slot.earliest();
            if (lateNanos > config.rateLimitTolerance().toNanos() / 2) {
                // Sending this late could put more than the limit into one second: give the slot up.
                LOG.debugf(
                        "Trigger %d missed its send slot by %d ms; it goes back to the outbox",
                        trigger.id(), lateNanos / 1_000_000);
                store.release(owner, List.of(trigger.id()), null);
                return;
            }
            deliver(trigger, prepared);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Trigger %d could not be settled (%s); it is claimed again after its lease ends",
                    trigger.id(), DatabaseFailures.summary(e));
        } finally {
            capacity.release();
            if (outOfCapacity) {
                wake();
            }
        }
    }

    /** A request ready to go, or why it cannot be sent. */
    private record Prepared(PendulaRequest request, String unsendable) {}

    /** Does all the work of a send ahead of the slot, so the request goes out the moment the slot starts. */
    private Prepared prepare(ClaimedTrigger trigger) {
        String authorization;
        try {
            authorization = authorization(trigger.target());
        } catch (IllegalStateException e) {
            LOG.errorf(
                    "The token of destination %d cannot be decrypted (%s); trigger %d is not sent",
                    trigger.target().destinationId(), e.getMessage(), trigger.id());
            return new Prepared(null, "destination token cannot be decrypted");
        }
        try {
            pendula.prepare(trigger.target().flowUrl());
        } catch (RuntimeException e) {
            return new Prepared(null, "flow URL cannot be used: " + e.getMessage());
        }
        Map<String, Object> body = PendulaBodies.body(trigger.id(), trigger.campaignName(), trigger.payload());
        PendulaRequest request = new PendulaRequest(
                trigger.target().flowUrl(),
                authorization,
                Long.toString(trigger.id()),
                trigger.target().customContext(),
                body);
        return new Prepared(request, null);
    }

    private void deliver(ClaimedTrigger trigger, Prepared prepared) {
        Instant attemptedAt = clock.instant();
        attemptsMade.incrementAndGet();
        PendulaAnswer answer = prepared.request() == null
                ? new PendulaAnswer(null, Optional.empty(), prepared.unsendable(), 0)
                : pendula.send(prepared.request());
        RetryPolicy.Decision decision = policy.decide(answer, trigger.attemptCount());
        metrics.recordAttempt(decision.verdict(), Duration.ofMillis(answer.durationMs()));
        TriggerStore.Recorded recorded = recordPersistently(trigger, attemptedAt, answer, decision);
        if (recorded == null) {
            return;
        }
        if (!recorded.stateWritten()) {
            LOG.warnf(
                    "Trigger %d was answered after its lease passed to another instance; the attempt is recorded,"
                            + " its state is left to that instance",
                    trigger.id());
            return;
        }
        logOutcome(trigger, answer, decision);
        recorded.pausedCampaigns().forEach(name -> logPause(name, trigger, answer));
    }

    private String authorization(ClaimedTrigger.Target target) {
        String token = cipher.decrypt(target.tokenCiphertext());
        if ("BASIC".equals(target.authScheme())) {
            String pair = target.tenantId() + ":" + token;
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        return "Bearer " + token;
    }

    /**
     * Records the attempt, retrying while the database is away. Giving up is safe but costly: the
     * trigger is then sent again after its lease, with the same idempotency key.
     */
    private TriggerStore.Recorded recordPersistently(
            ClaimedTrigger trigger, Instant attemptedAt, PendulaAnswer answer, RetryPolicy.Decision decision) {
        long giveUpAt = System.nanoTime() + config.lease().toNanos() / 2;
        while (true) {
            try {
                return store.record(owner, trigger, attemptedAt, answer, decision, config.authFailuresBeforePause());
            } catch (RuntimeException e) {
                if (System.nanoTime() > giveUpAt || !running) {
                    LOG.errorf(
                            "Trigger %d was sent (%s) but the outcome could not be recorded: %s; it will be sent"
                                    + " again with the same Idempotency-Key after its lease ends",
                            trigger.id(), describe(answer), DatabaseFailures.summary(e));
                    return null;
                }
                LOG.warnf(
                        "Recording the outcome of trigger %d failed (%s); will retry in %d s",
                        trigger.id(), DatabaseFailures.summary(e), RECORD_RETRY_PAUSE.toSeconds());
                sleep(RECORD_RETRY_PAUSE);
            }
        }
    }

    private void logOutcome(ClaimedTrigger trigger, PendulaAnswer answer, RetryPolicy.Decision decision) {
        switch (decision.verdict()) {
            case DELIVERED ->
                LOG.debugf(
                        "Trigger %d of campaign '%s' delivered in %d ms",
                        (Object) trigger.id(), trigger.campaignName(), answer.durationMs());
            case RETRY ->
                LOG.warnf(
                        "Trigger %d of campaign '%s' got %s (attempt %d of %d); will retry in %s",
                        trigger.id(),
                        trigger.campaignName(),
                        describe(answer),
                        decision.attemptCount(),
                        config.maxAttempts(),
                        seconds(decision.delay()));
            case FAILED ->
                LOG.warnf(
                        "Trigger %d of campaign '%s' failed after %d attempt(s): %s; it stays FAILED until retried"
                                + " with POST /admin/triggers/%d/retry",
                        trigger.id(),
                        trigger.campaignName(),
                        decision.attemptCount(),
                        decision.lastError(),
                        trigger.id());
            case AUTH_REJECTED ->
                LOG.warnf(
                        "Pendula rejected the credentials of destination %d (%s) for trigger %d of campaign '%s';"
                                + " will retry in %s",
                        trigger.target().destinationId(),
                        describe(answer),
                        trigger.id(),
                        trigger.campaignName(),
                        seconds(decision.delay()));
        }
    }

    private void logPause(String campaignName, ClaimedTrigger trigger, PendulaAnswer answer) {
        LOG.warnf(
                "Paused campaign '%s': Pendula rejected the credentials of destination %d (HTTP %d) %d times in a row;"
                        + " its triggers wait until the token is fixed and the campaign resumed",
                campaignName, trigger.target().destinationId(), answer.statusCode(), config.authFailuresBeforePause());
    }

    private void releaseUnsent() {
        List<Long> unsent = new ArrayList<>();
        for (Long id : List.copyOf(waiting)) {
            if (waiting.remove(id)) {
                unsent.add(id);
            }
        }
        try {
            store.release(owner, unsent, null);
            LOG.infof("Dispatcher %s stopped claiming and gave back %d unsent trigger(s)", owner, unsent.size());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Dispatcher %s could not give back %d unsent trigger(s) (%s); others take them over after the"
                            + " lease ends",
                    owner, unsent.size(), DatabaseFailures.summary(e));
        } finally {
            capacity.release(unsent.size());
        }
    }

    private boolean awaitInFlight() {
        try {
            boolean settled = capacity.tryAcquire(
                    config.maxConcurrency(), config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (settled) {
                capacity.release(config.maxConcurrency());
            }
            return settled;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void joinLoop() {
        Thread thread = loop;
        if (thread == null) {
            return;
        }
        try {
            thread.join(config.shutdownTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sleep(Duration pause) {
        try {
            if (!pause.isZero() && wakeUps.tryAcquire(pause.toNanos(), TimeUnit.NANOSECONDS)) {
                wakeUps.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                // Shutdown: the caller finds out whether it still owns the trigger.
                Thread.currentThread().interrupt();
            }
        }
    }

    private void logRoundFailure(RuntimeException e) {
        if (DatabaseFailures.isUnavailable(e)) {
            LOG.warnf(
                    "Dispatcher %s cannot reach the database (%s); will try again in %s",
                    owner, DatabaseFailures.summary(e), seconds(config.pollInterval()));
        } else {
            LOG.errorf(
                    e,
                    "Dispatcher %s failed a claim round; will try again in %s",
                    owner,
                    seconds(config.pollInterval()));
        }
    }

    private static Map<Long, List<ClaimedTrigger>> byDestination(List<ClaimedTrigger> claimed) {
        Map<Long, List<ClaimedTrigger>> groups = new LinkedHashMap<>();
        for (ClaimedTrigger trigger : claimed) {
            groups.computeIfAbsent(trigger.target().destinationId(), id -> new ArrayList<>())
                    .add(trigger);
        }
        return groups;
    }

    private static String describe(PendulaAnswer answer) {
        return answer.statusCode() == null ? answer.error() : "HTTP " + answer.statusCode();
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
