package dev.audiencerelay.campaign;

import static dev.audiencerelay.campaign.CampaignFixtures.admin;
import static dev.audiencerelay.campaign.CampaignFixtures.campaignBody;
import static dev.audiencerelay.campaign.CampaignFixtures.createCampaign;
import static dev.audiencerelay.campaign.CampaignFixtures.createDestination;
import static dev.audiencerelay.campaign.CampaignFixtures.insertTrigger;
import static dev.audiencerelay.campaign.CampaignFixtures.triggerStatus;
import static dev.audiencerelay.campaign.CampaignFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CampaignEndsAtTest {

    /** The scheduler checks every second in process and every 10 s (the default) in the packaged jar. */
    private static final Duration WITHIN_ONE_PERIOD_AND_SLACK = Duration.ofSeconds(30);

    @Test
    void oneTimeCampaignEndsByItselfAtEndsAt() {
        Map<String, Object> body = campaignBody(unique("flash_sale"), unique("aud"), createDestination());
        body.put("kind", "ONE_TIME");
        Instant endsAt = Instant.now().plusSeconds(3);
        body.put("endsAt", endsAt.toString());
        long id = createCampaign(body);
        long pending = insertTrigger(id, "waiting", "PENDING");
        long delivered = insertTrigger(id, "sent", "DELIVERED");

        Awaitility.await()
                .atMost(WITHIN_ONE_PERIOD_AND_SLACK)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> admin().get("/admin/campaigns/" + id).jsonPath().getString("status"), "ENDED"::equals);

        String endedAt = admin().get("/admin/campaigns/" + id).jsonPath().getString("endedAt");
        assertThat(Instant.parse(endedAt)).isAfterOrEqualTo(endsAt);
        assertThat(triggerStatus(pending)).isEqualTo("CANCELLED");
        assertThat(triggerStatus(delivered)).isEqualTo("DELIVERED");
    }

    @Test
    void oneTimeCampaignBeforeItsEndStaysActive() {
        Map<String, Object> body = campaignBody(unique("later_sale"), unique("aud"), createDestination());
        body.put("kind", "ONE_TIME");
        body.put("endsAt", Instant.now().plusSeconds(3600).toString());
        long id = createCampaign(body);
        long persistent = createCampaign(unique("aud"));
        long oneTimeWithoutEnd = createCampaign(oneTimeWithoutEnd());

        // Another campaign reaching its end proves at least one check ran after these were created.
        oneTimeCampaignEndsByItselfAtEndsAt();

        for (long stillLive : new long[] {id, persistent, oneTimeWithoutEnd}) {
            admin().get("/admin/campaigns/" + stillLive).then().body("status", equalTo("ACTIVE"));
        }
    }

    private static Map<String, Object> oneTimeWithoutEnd() {
        Map<String, Object> body = campaignBody(unique("by_hand"), unique("aud"), createDestination());
        body.put("kind", "ONE_TIME");
        return body;
    }
}
