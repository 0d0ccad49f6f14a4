package dev.audiencerelay.dispatch;

import dev.audiencerelay.campaign.OutboxSignal;
import dev.audiencerelay.campaign.TokenCipher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Delivers the outbox to Pendula: starts this instance's {@link DispatchWorker} with the
 * application, wakes it whenever triggers are committed and at every scheduled poll, and stops it
 * gracefully with the application.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final DispatchConfig config;
    private final TriggerStore store;
    private final SendSlots slots;
    private final PendulaClient pendula;
    private final TokenCipher cipher;
    private final DispatchMetrics metrics;
    private final Clock clock;
    private final OutboxSignal signal;
    private volatile DispatchWorker worker;

    Dispatcher(
            DispatchConfig config,
            TriggerStore store,
            SendSlots slots,
            PendulaClient pendula,
            TokenCipher cipher,
            DispatchMetrics metrics,
            Clock clock,
            OutboxSignal signal) {
        this.config = config;
        this.store = store;
        this.slots = slots;
        this.pendula = pendula;
        this.cipher = cipher;
        this.metrics = metrics;
        this.clock = clock;
        this.signal = signal;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("Dispatch is disabled (relay.dispatch.enabled=false): this instance sends no triggers");
            return;
        }
        DispatchWorker started = newWorker(defaultOwner());
        started.start();
        worker = started;
        signal.onTriggersCommitted(this::wake);
        LOG.infof(
                "Dispatcher %s started: polling every %s, at most %d triggers in flight, %d attempts per trigger",
                started.owner(), config.pollInterval(), config.maxConcurrency(), config.maxAttempts());
    }

    void onStop(@Observes ShutdownEvent event) {
        DispatchWorker running = worker;
        if (running != null) {
            worker = null;
            running.stop();
        }
    }

    /** The fallback poll: picks up retries that came due and triggers committed by other instances. */
    @Scheduled(
            every = "${relay.dispatch.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "dispatch-poll")
    void poll() {
        wake();
    }

    private void wake() {
        DispatchWorker running = worker;
        if (running != null) {
            running.wake();
        }
    }

    /** A worker with its own lease owner name; tests use a second one to act as another instance. */
    DispatchWorker newWorker(String owner) {
        return new DispatchWorker(owner, config, store, slots, pendula, cipher, metrics, clock);
    }

    private static String defaultOwner() {
        String host = System.getenv().getOrDefault("HOSTNAME", "relay");
        return host + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }
}
