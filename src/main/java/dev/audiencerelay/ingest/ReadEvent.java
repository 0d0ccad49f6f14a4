package dev.audiencerelay.ingest;

import dev.audiencerelay.audience.MembershipEvent;

/** What one Segment event turned out to be. */
sealed interface ReadEvent {

    /** An audience enter or exit to record. */
    record Membership(MembershipEvent event) implements ReadEvent {}

    /** A valid event that is not audience membership; acknowledged and not stored. */
    record Ignored() implements ReadEvent {}

    /**
     * An invalid event.
     *
     * @param field where the problem is, as a dotted path in the event (e.g. {@code traits.vip})
     */
    record Rejected(String field, String reason) implements ReadEvent {}
}
