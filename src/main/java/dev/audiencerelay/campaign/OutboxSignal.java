package dev.audiencerelay.campaign;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells whoever delivers triggers that new work was committed, so delivery starts at once rather
 * than at the next poll. Writers call {@link #triggersCommitted()} only after their transaction
 * committed; a missed signal costs latency, never a trigger, because the dispatcher also polls.
 */
@ApplicationScoped
public class OutboxSignal {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Called after a commit that wrote or released pending triggers. */
    public void triggersCommitted() {
        listeners.forEach(Runnable::run);
    }

    /** Registers a listener; it must return quickly (e.g. wake a thread), as writers call it inline. */
    public void onTriggersCommitted(Runnable listener) {
        listeners.add(listener);
    }
}
