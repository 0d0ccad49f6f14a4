package dev.audiencerelay.campaign;

import static dev.audiencerelay.campaign.CampaignFixtures.admin;
import static dev.audiencerelay.campaign.CampaignFixtures.createCampaign;
import static dev.audiencerelay.campaign.CampaignFixtures.insertTrigger;
import static dev.audiencerelay.campaign.CampaignFixtures.triggerStatus;
import static dev.audiencerelay.campaign.CampaignFixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.audiencerelay.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CampaignLifecycleTest {

    @Test
    void pauseHoldsPendingTriggersAndNewOnesStillArrive() {
        long id = createCampaign(unique("aud"));
        long before = insertTrigger(id, "held-1", "PENDING");

        admin().post("/admin/campaigns/" + id + "/pause")
                .then()
                .statusCode(200)
                .body("status", equalTo("PAUSED"))
                .body("pausedReason", nullValue());
        long after = insertTrigger(id, "held-2", "PENDING");

        assertThat(List.of(triggerStatus(before), triggerStatus(after))).containsOnly("PENDING");
        admin().get("/admin/campaigns/" + id)
                .then()
                .body("status", equalTo("PAUSED"))
                .body("counts.PENDING", equalTo(2));
    }

    @Test
    void resumeMakesThePausedCampaignActiveAgainWithItsBacklog() {
        long id = createCampaign(unique("aud"));
        admin().post("/admin/campaigns/" + id + "/pause").then().statusCode(200);
        long held = insertTrigger(id, "backlog", "PENDING");

        admin().post("/admin/campaigns/" + id + "/resume")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACTIVE"))
                .body("counts.PENDING", equalTo(1));

        assertThat(triggerStatus(held)).isEqualTo("PENDING");
    }

    @Test
    void resumeClearsTheReasonTheServicePausedFor() {
        long id = createCampaign(unique("aud"));
        TestDatabase.update(
                "update campaign set status = 'PAUSED', paused_reason = ? where id = ?",
                "Pendula answered 401 three times",
                id);
        admin().get("/admin/campaigns/" + id)
                .then()
                .body("status", equalTo("PAUSED"))
                .body("pausedReason", equalTo("Pendula answered 401 three times"));

        admin().post("/admin/campaigns/" + id + "/resume")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACTIVE"))
                .body("pausedReason", nullValue());
    }

    @Test
    void endCancelsPendingTriggersAndKeepsFinishedOnes() {
        long id = createCampaign(unique("aud"));
        long pending = insertTrigger(id, "p1", "PENDING");
        long delivered = insertTrigger(id, "p2", "DELIVERED");
        long failed = insertTrigger(id, "p3", "FAILED");

        admin().post("/admin/campaigns/" + id + "/end")
                .then()
                .statusCode(200)
                .body("status", equalTo("ENDED"))
                .body("endedAt", notNullValue())
                .body("counts.PENDING", equalTo(0))
                .body("counts.CANCELLED", equalTo(1));

        assertThat(List.of(triggerStatus(pending), triggerStatus(delivered), triggerStatus(failed)))
                .containsExactly("CANCELLED", "DELIVERED", "FAILED");
        assertThat(TestDatabase.queryLong(
                        "select count(*) from campaign where id = ? and status = 'ENDED' and ended_at is not null", id))
                .isOne();
    }

    @Test
    void pausedCampaignCanBeEnded() {
        long id = createCampaign(unique("aud"));
        long pending = insertTrigger(id, "p1", "PENDING");
        admin().post("/admin/campaigns/" + id + "/pause").then().statusCode(200);

        admin().post("/admin/campaigns/" + id + "/end").then().statusCode(200).body("status", equalTo("ENDED"));

        assertThat(triggerStatus(pending)).isEqualTo("CANCELLED");
    }

    @Test
    void endedCampaignCannotBeResumedOrPausedOrRetried() {
        String audienceKey = unique("aud");
        long id = createCampaign(audienceKey);
        String name = admin().get("/admin/campaigns/" + id).jsonPath().getString("name");
        admin().post("/admin/campaigns/" + id + "/end").then().statusCode(200);

        admin().post("/admin/campaigns/" + id + "/resume")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("campaign '" + name + "' has ended and cannot be resumed; ENDED is final"));
        admin().post("/admin/campaigns/" + id + "/pause")
                .then()
                .statusCode(409)
                .body("detail", containsString("has ended and cannot be paused"));
        admin().post("/admin/campaigns/" + id + "/retry-failed")
                .then()
                .statusCode(409)
                .body("detail", containsString("has ended"));
        admin().get("/admin/campaigns/" + id).then().body("status", equalTo("ENDED"));
    }

    @Test
    void repeatingTheCurrentStateChangesNothing() {
        long id = createCampaign(unique("aud"));
        admin().post("/admin/campaigns/" + id + "/resume")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACTIVE"));
        admin().post("/admin/campaigns/" + id + "/pause").then().statusCode(200);
        admin().post("/admin/campaigns/" + id + "/pause").then().statusCode(200).body("status", equalTo("PAUSED"));
        String endedAt = admin().post("/admin/campaigns/" + id + "/end")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("endedAt");

        admin().post("/admin/campaigns/" + id + "/end")
                .then()
                .statusCode(200)
                .body("status", equalTo("ENDED"))
                .body("endedAt", equalTo(endedAt));
    }

    @Test
    void retryFailedPutsFailedTriggersBackToPendingWithAFreshAttemptBudget() {
        long id = createCampaign(unique("aud"));
        // Paused, so the dispatcher leaves the retried triggers as retry-failed made them.
        admin().post("/admin/campaigns/" + id + "/pause").then().statusCode(200);
        long failed = insertTrigger(id, "f1", "FAILED");
        long otherFailed = insertTrigger(id, "f2", "FAILED");
        long delivered = insertTrigger(id, "d1", "DELIVERED");
        TestDatabase.update("update flow_trigger set next_attempt_at = now() + interval '1 day' where id = ?", failed);

        admin().post("/admin/campaigns/" + id + "/retry-failed")
                .then()
                .statusCode(200)
                .body("campaignId", equalTo((int) id))
                .body("retried", equalTo(2));

        assertThat(List.of(triggerStatus(failed), triggerStatus(otherFailed), triggerStatus(delivered)))
                .containsExactly("PENDING", "PENDING", "DELIVERED");
        assertThat(TestDatabase.queryLong(
                        "select count(*) from flow_trigger where campaign_id = ? and status = 'PENDING'"
                                + " and attempt_count = 0 and next_attempt_at <= now()",
                        id))
                .isEqualTo(2);
        admin().post("/admin/campaigns/" + id + "/retry-failed")
                .then()
                .statusCode(200)
                .body("retried", equalTo(0));
    }

    @Test
    void lifecycleChangesAreCountedInMetrics() {
        long id = createCampaign(unique("aud"));
        double pausesBefore = lifecycleCount("pause");
        double resumesBefore = lifecycleCount("resume");
        double endsBefore = lifecycleCount("end");

        admin().post("/admin/campaigns/" + id + "/pause").then().statusCode(200);
        admin().post("/admin/campaigns/" + id + "/pause").then().statusCode(200);
        admin().post("/admin/campaigns/" + id + "/resume").then().statusCode(200);
        admin().post("/admin/campaigns/" + id + "/end").then().statusCode(200);

        assertThat(lifecycleCount("pause"))
                .as("a repeated pause is not a change")
                .isEqualTo(pausesBefore + 1);
        assertThat(lifecycleCount("resume")).isEqualTo(resumesBefore + 1);
        assertThat(lifecycleCount("end")).isEqualTo(endsBefore + 1);
    }

    /** The value of relay_campaign_lifecycle_total for one action, 0 before its first increment. */
    static double lifecycleCount(String action) {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile(
                        "^relay_campaign_lifecycle_total\\{action=\"" + action + "\"[^}]*} (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
