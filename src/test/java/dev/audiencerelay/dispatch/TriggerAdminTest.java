package dev.audiencerelay.dispatch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.audiencerelay.support.TestDatabase;
import dev.audiencerelay.support.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

/** The admin trigger endpoints, on triggers of a paused campaign so the dispatcher leaves them alone. */
@QuarkusTest
class TriggerAdminTest {

    @Test
    void listsTriggersOfACampaignPageByPageWithTheirAttempts() {
        long campaign = pausedCampaign();
        long first = Outbox.trigger(campaign, "user-a", null, "{}");
        long second = Outbox.trigger(campaign, "user-b", null, "{}");
        long third = Outbox.trigger(campaign, "user-c", null, "{}");
        TestDatabase.update(
                "insert into delivery_attempt (trigger_id, attempted_at, status_code, duration_ms, error)"
                        + " values (?, now(), 503, 42, 'HTTP 503')",
                first);

        String next = admin().queryParam("campaignId", campaign)
                .queryParam("limit", 2)
                .get("/admin/triggers")
                .then()
                .statusCode(200)
                .body("items.id", contains((int) first, (int) second))
                .body("items[0].campaignId", equalTo((int) campaign))
                .body("items[0].profileKey", equalTo("user-a"))
                .body("items[0].status", equalTo("PENDING"))
                .body("items[0].attemptCount", equalTo(0))
                .body("items[0].nextAttemptAt", notNullValue())
                .body("items[0].createdAt", notNullValue())
                .body("items[0].deliveredAt", nullValue())
                .body("items[0].attempts", hasSize(1))
                .body("items[0].attempts[0].statusCode", equalTo(503))
                .body("items[0].attempts[0].durationMs", equalTo(42))
                .body("items[0].attempts[0].error", equalTo("HTTP 503"))
                .body("items[0].attempts[0].attemptedAt", notNullValue())
                .body("items[1].attempts", hasSize(0))
                .body("next", equalTo(Long.toString(second)))
                .extract()
                .path("next");

        admin().queryParam("campaignId", campaign)
                .queryParam("limit", 2)
                .queryParam("after", next)
                .get("/admin/triggers")
                .then()
                .statusCode(200)
                .body("items.id", contains((int) third))
                .body("next", nullValue());
    }

    @Test
    void filtersByStatus() {
        long campaign = pausedCampaign();
        Outbox.trigger(campaign, "user-pending", null, "{}");
        long failed = Outbox.trigger(campaign, "user-failed", null, "{}");
        TestDatabase.update("update flow_trigger set status = 'FAILED' where id = ?", failed);

        admin().queryParam("campaignId", campaign)
                .queryParam("status", "failed")
                .get("/admin/triggers")
                .then()
                .statusCode(200)
                .body("items.id", contains((int) failed));
    }

    @Test
    void invalidQueryParametersAreAProblemListingEachOne() {
        admin().queryParam("campaignId", "abc")
                .queryParam("status", "LOST")
                .queryParam("limit", 0)
                .get("/admin/triggers")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("violations.field", containsInAnyOrder("campaignId", "status", "limit"))
                .body("violations.in", contains("query", "query", "query"))
                .body(
                        "violations.find { it.field == 'status' }.message",
                        equalTo("must be one of PENDING, DELIVERED, FAILED, CANCELLED"));
    }

    @Test
    void unknownTriggerIsNotFound() {
        admin().get("/admin/triggers/999999999")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("No trigger has id 999999999"));
        admin().post("/admin/triggers/999999999/retry").then().statusCode(404);
    }

    @Test
    void retryPutsAFailedTriggerBackWithAFreshBudget() {
        long campaign = pausedCampaign();
        long trigger = Outbox.trigger(campaign, "user-gave-up", null, "{}");
        TestDatabase.update(
                "update flow_trigger set status = 'FAILED', attempt_count = 8, last_error = 'HTTP 500',"
                        + " next_attempt_at = now() + interval '1 day' where id = ?",
                trigger);

        admin().post("/admin/triggers/" + trigger + "/retry")
                .then()
                .statusCode(200)
                .body("id", equalTo((int) trigger))
                .body("status", equalTo("PENDING"))
                .body("attemptCount", equalTo(0));

        assertThat(TestDatabase.queryLong(
                        "select count(*) from flow_trigger where id = ? and status = 'PENDING' and attempt_count = 0"
                                + " and next_attempt_at <= now()",
                        trigger))
                .isEqualTo(1);
    }

    @Test
    void retryOfATriggerThatDidNotFailIsAConflictAndChangesNothing() {
        long campaign = pausedCampaign();
        long trigger = Outbox.trigger(campaign, "user-fine", null, "{}");
        TestDatabase.update(
                "update flow_trigger set status = 'DELIVERED', attempt_count = 1, delivered_at = now() where id = ?",
                trigger);

        admin().post("/admin/triggers/" + trigger + "/retry")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("Trigger " + trigger + " is DELIVERED; only a FAILED trigger can be retried"));

        assertThat(Outbox.status(trigger)).isEqualTo("DELIVERED");
    }

    @Test
    void retryOfATriggerOfAnEndedCampaignIsAConflict() {
        long campaign = pausedCampaign();
        long trigger = Outbox.trigger(campaign, "user-ended", null, "{}");
        TestDatabase.update("update flow_trigger set status = 'FAILED' where id = ?", trigger);
        TestDatabase.update("update campaign set status = 'ENDED', ended_at = now() where id = ?", campaign);

        admin().post("/admin/triggers/" + trigger + "/retry").then().statusCode(409);

        assertThat(Outbox.status(trigger)).isEqualTo("FAILED");
    }

    @Test
    void triggersNeedTheAdminToken() {
        given().get("/admin/triggers").then().statusCode(401);
    }

    private static long pausedCampaign() {
        long destination = Outbox.bearerDestination("http://localhost:1/never", "token-admin-test", null, 200);
        return Outbox.campaign(destination, "PAUSED");
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TestSettings.ADMIN_TOKEN);
    }
}
