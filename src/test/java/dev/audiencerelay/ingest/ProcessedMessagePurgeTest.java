package dev.audiencerelay.ingest;

import static dev.audiencerelay.ingest.SegmentEvents.processed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.audiencerelay.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProcessedMessagePurgeTest {

    @Inject
    ProcessedMessagePurge purge;

    @Test
    void messageIdsOlderThanTheRetentionAreForgottenAndRecentOnesKept() throws Exception {
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        TestDatabase.update(
                "insert into processed_message (message_id, received_at) values (?, now() - interval '8 days')", old);
        TestDatabase.update(
                "insert into processed_message (message_id, received_at) values (?, now() - interval '6 days')",
                recent);

        int deleted = purge.purge();

        assertThat(deleted).isGreaterThanOrEqualTo(1);
        assertThat(processed(old)).isZero();
        assertThat(processed(recent)).isOne();
    }
}
