package dev.audiencerelay.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of rate-limit slots; the database side is covered by the dispatcher tests. */
class SendSlotsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final SendSlots slots = new SendSlots(null, RetryPolicyTest.config());

    @Test
    void slotsAreSpacedByOneSecondPlusToleranceOverTheLimit() {
        assertThat(slots.spacing(20)).isEqualTo(Duration.ofMillis(52).plusNanos(500_000));
        assertThat(slots.spacing(200)).isEqualTo(Duration.ofNanos(5_250_000));
        assertThat(slots.spacing(3)).isEqualTo(Duration.ofNanos(350_000_000));
    }

    @Test
    void onlySlotsWithinTheHorizonAreGranted() {
        SendSlots.Reservation reservation = SendSlots.plan(NOW.minusSeconds(5), NOW, slots.spacing(20), 100);

        assertThat(reservation.granted()).isEqualTo(5);
        assertThat(reservation.firstDelay()).isZero();
        assertThat(reservation.nextSlot()).isEqualTo(NOW.plus(slots.spacing(20).multipliedBy(5)));
        assertThat(reservation.untilRetry())
                .isEqualTo(slots.spacing(20).multipliedBy(5).minusMillis(250));
    }

    @Test
    void aDestinationBookedBeyondTheHorizonGetsNothingAndIsToldWhenToComeBack() {
        Instant booked = NOW.plusMillis(400);
        SendSlots.Reservation reservation = SendSlots.plan(booked, NOW, slots.spacing(20), 10);

        assertThat(reservation.granted()).isZero();
        assertThat(reservation.nextSlot()).isEqualTo(booked);
        assertThat(reservation.retryAt()).isEqualTo(booked.minusMillis(250));
        assertThat(reservation.untilRetry()).isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void consecutiveReservationsNeverPutMoreThanTheLimitInAnySlidingSecond() {
        Duration spacing = slots.spacing(20);
        Instant next = NOW;
        Instant now = NOW;
        List<Instant> granted = new ArrayList<>();
        for (int round = 0; round < 200; round++) {
            SendSlots.Reservation reservation = SendSlots.plan(next, now, spacing, 7);
            for (int i = 0; i < reservation.granted(); i++) {
                granted.add(now.plus(reservation.delayOf(i)));
            }
            next = reservation.nextSlot();
            now = now.plusMillis(37);
        }

        for (Instant start : granted) {
            long inWindow = granted.stream()
                    .filter(slot -> !slot.isBefore(start) && slot.isBefore(start.plusSeconds(1)))
                    .count();
            assertThat(inWindow).isLessThanOrEqualTo(20);
        }
        assertThat(granted).hasSizeGreaterThan(100);
    }
}
