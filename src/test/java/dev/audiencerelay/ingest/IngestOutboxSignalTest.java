package dev.audiencerelay.ingest;

import static dev.audiencerelay.ingest.SegmentEvents.audienceKey;
import static dev.audiencerelay.ingest.SegmentEvents.identify;
import static dev.audiencerelay.ingest.SegmentEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.audiencerelay.campaign.OutboxSignal;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dispatcher is woken after a commit that wrote triggers, and only then. */
@QuarkusTest
class IngestOutboxSignalTest {

    private static final AtomicInteger SIGNALS = new AtomicInteger();
    private static boolean listening;

    @Inject
    OutboxSignal outboxSignal;

    @BeforeEach
    void listen() {
        if (!listening) {
            outboxSignal.onTriggersCommitted(SIGNALS::incrementAndGet);
            listening = true;
        }
    }

    @Test
    void enterThatWritesATriggerSignalsTheOutboxOnceItIsCommitted() {
        String audience = audienceKey();
        long campaign = IngestTriggerTest.campaign(audience, "ACTIVE", false);
        int before = SIGNALS.get();

        post("/segment", identify(audience, "u-1", true, "2024-05-01T10:00:00Z"))
                .statusCode(200);

        // The answer comes after the commit, and the signal right after the commit too.
        assertThat(SIGNALS.get()).isGreaterThan(before);
        assertThat(IngestTriggerTest.triggers(campaign)).isEqualTo(1);
    }

    @Test
    void enterWithoutAnyCampaignDoesNotSignal() {
        int before = SIGNALS.get();

        post("/segment", identify(audienceKey(), "u-2", true, "2024-05-01T10:00:00Z"))
                .statusCode(200);

        assertThat(SIGNALS.get()).isEqualTo(before);
    }
}
