package dev.audiencerelay.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.audiencerelay.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ManualDispatch.class)
class TriggerRetentionTest {

    @Inject
    TriggerRetention retention;

    @Test
    void purgesOldDeliveredAndCancelledTriggersWithTheirAttemptsAndKeepsTheRest() {
        long destination = Outbox.bearerDestination("http://localhost:1/never", "token-retention", null, 200);
        long campaign = Outbox.campaign(destination, "PAUSED");
        long oldDelivered = aged(Outbox.trigger(campaign, "old-delivered", null, "{}"), "DELIVERED", 40);
        long oldCancelled = aged(Outbox.trigger(campaign, "old-cancelled", null, "{}"), "CANCELLED", 40);
        long oldFailed = aged(Outbox.trigger(campaign, "old-failed", null, "{}"), "FAILED", 40);
        long recentDelivered = aged(Outbox.trigger(campaign, "recent-delivered", null, "{}"), "DELIVERED", 3);
        TestDatabase.update(
                "insert into delivery_attempt (trigger_id, attempted_at, status_code, duration_ms)"
                        + " values (?, now() - interval '40 days', 200, 12)",
                oldDelivered);

        retention.purge();

        assertThat(exists(oldDelivered)).isFalse();
        assertThat(exists(oldCancelled)).isFalse();
        assertThat(Outbox.attempts(oldDelivered)).isZero();
        assertThat(exists(oldFailed)).isTrue();
        assertThat(exists(recentDelivered)).isTrue();
    }

    private static long aged(long trigger, String status, int days) {
        TestDatabase.update(
                "update flow_trigger set status = ?, updated_at = now() - make_interval(days => ?) where id = ?",
                status,
                days,
                trigger);
        return trigger;
    }

    private static boolean exists(long trigger) {
        return TestDatabase.queryLong("select count(*) from flow_trigger where id = ?", trigger) == 1;
    }
}
