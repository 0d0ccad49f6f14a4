package dev.audiencerelay.dispatch;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * Hands out the moments at which requests to a destination may start, so that all instances
 * together stay under its rate limit. The next free moment of each destination is one row of
 * {@code destination_dispatch_state}, locked while a reservation moves it forward; every time is
 * on the database's clock, so instances with skewed clocks still agree.
 *
 * <p>Consecutive slots are (1 s + tolerance) / limit apart. Only slots starting within
 * {@link #HORIZON} are handed out, so claimed triggers never wait long while holding a lease.
 */
@ApplicationScoped
class SendSlots {

    // LIMITATION: The limit holds for the moments requests are handed to the HTTP client (recorded as
    // attempted_at); delays after that point longer than half of relay.dispatch.rate-limit-tolerance (an
    // overloaded host, a jittery network) can still let Pendula see more than the limit in one sliding second.

    /** How far ahead slots are reserved. */
    static final Duration HORIZON = Duration.ofMillis(250);

    private static final String ENSURE_ROW =
            "insert into destination_dispatch_state (destination_id) values (?) on conflict do nothing";
    private static final String LOCK_ROW = "select next_slot_at, clock_timestamp() from destination_dispatch_state"
            + " where destination_id = ? for update";
    private static final String MOVE_ROW =
            "update destination_dispatch_state set next_slot_at = ? where destination_id = ?";

    private final DataSource dataSource;
    private final DispatchConfig config;

    SendSlots(DataSource dataSource, DispatchConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /**
     * The result of a reservation.
     *
     * @param granted how many of the wanted slots were reserved (may be zero)
     * @param firstDelay from the database's "now" to the first slot; the caller adds it to its own
     *     clock when the answer arrives, which can only make it later, never earlier
     * @param spacing the distance between consecutive slots
     * @param nextSlot database time of the first slot nobody holds yet
     */
    record Reservation(int granted, Duration firstDelay, Duration spacing, Instant nextSlot) {

        Duration delayOf(int index) {
            return firstDelay.plus(spacing.multipliedBy(index));
        }

        /** Database time from which the triggers that got no slot can get one. */
        Instant retryAt() {
            return nextSlot.minus(HORIZON);
        }

        /** How long from the database's "now" until {@link #retryAt()}, never negative. */
        Duration untilRetry() {
            Duration wait = delayOf(granted).minus(HORIZON);
            return wait.isNegative() ? Duration.ZERO : wait;
        }
    }

    /** Spacing between two requests to a destination of the given limit, rounded up to the microsecond. */
    Duration spacing(int limitPerSecond) {
        long windowMicros = 1_000_000L + config.rateLimitTolerance().toNanos() / 1_000;
        return Duration.ofNanos(1_000 * Math.ceilDiv(windowMicros, limitPerSecond));
    }

    /** Reserves up to {@code wanted} consecutive slots of the destination within the horizon. */
    Reservation reserve(long destinationId, int limitPerSecond, int wanted) {
        Duration spacing = spacing(limitPerSecond);
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                try (PreparedStatement ensure = connection.prepareStatement(ENSURE_ROW)) {
                    ensure.setLong(1, destinationId);
                    ensure.executeUpdate();
                }
                Instant next;
                Instant now;
                try (PreparedStatement lock = connection.prepareStatement(LOCK_ROW)) {
                    lock.setLong(1, destinationId);
                    try (ResultSet row = lock.executeQuery()) {
                        row.next();
                        next = row.getObject(1, OffsetDateTime.class).toInstant();
                        now = row.getObject(2, OffsetDateTime.class).toInstant();
                    }
                }
                Reservation reservation = plan(next, now, spacing, wanted);
                try (PreparedStatement move = connection.prepareStatement(MOVE_ROW)) {
                    move.setObject(1, OffsetDateTime.ofInstant(reservation.nextSlot(), ZoneOffset.UTC));
                    move.setLong(2, destinationId);
                    move.executeUpdate();
                }
                return reservation;
            }
        });
    }

    /**
     * Pure arithmetic of a reservation: slots start at the later of the next free slot and now, and
     * only those starting before now + horizon are granted.
     */
    static Reservation plan(Instant nextFree, Instant now, Duration spacing, int wanted) {
        Instant first = nextFree.isAfter(now) ? nextFree : now;
        Instant horizonEnd = now.plus(HORIZON);
        int granted = 0;
        while (granted < wanted && first.plus(spacing.multipliedBy(granted)).isBefore(horizonEnd)) {
            granted++;
        }
        Instant nextSlot = first.plus(spacing.multipliedBy(granted));
        return new Reservation(granted, Duration.between(now, first), spacing, nextSlot);
    }
}
