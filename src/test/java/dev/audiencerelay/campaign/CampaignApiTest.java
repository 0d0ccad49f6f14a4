package dev.audiencerelay.campaign;

import static dev.audiencerelay.campaign.CampaignFixtures.admin;
import static dev.audiencerelay.campaign.CampaignFixtures.campaignBody;
import static dev.audiencerelay.campaign.CampaignFixtures.createCampaign;
import static dev.audiencerelay.campaign.CampaignFixtures.createDestination;
import static dev.audiencerelay.campaign.CampaignFixtures.insertTrigger;
import static dev.audiencerelay.campaign.CampaignFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.audiencerelay.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CampaignApiTest {

    @Test
    void createdCampaignIsActiveWithZeroCountsForEveryTriggerState() {
        long destinationId = createDestination();
        String name = unique("campaign");
        String audienceKey = unique("vip");
        Map<String, Object> body = campaignBody(name, audienceKey, destinationId);
        body.put("retriggerOnReentry", true);

        Response created = admin().body(body).post("/admin/campaigns");

        created.then()
                .statusCode(201)
                .header("Location", containsString("/admin/campaigns/"))
                .body("id", notNullValue())
                .body("name", equalTo(name))
                .body("audienceKey", equalTo(audienceKey))
                .body("destinationId", equalTo((int) destinationId))
                .body("kind", equalTo("PERSISTENT"))
                .body("status", equalTo("ACTIVE"))
                .body("retriggerOnReentry", equalTo(true))
                .body("includeExistingMembers", equalTo(false))
                .body("endsAt", nullValue())
                .body("endedAt", nullValue())
                .body("pausedReason", nullValue())
                .body("counts", equalTo(Map.of("PENDING", 0, "DELIVERED", 0, "FAILED", 0, "CANCELLED", 0)));
        long id = created.jsonPath().getLong("id");
        assertThat(TestDatabase.queryLong(
                        "select count(*) from campaign where id = ? and status = 'ACTIVE' and audience_key = ?",
                        id,
                        audienceKey))
                .isOne();
    }

    @Test
    void countsShowTriggersPerState() {
        long id = createCampaign(unique("aud"));
        insertTrigger(id, "p1", "PENDING");
        insertTrigger(id, "p2", "PENDING");
        insertTrigger(id, "p3", "DELIVERED");
        insertTrigger(id, "p4", "FAILED");

        admin().get("/admin/campaigns/" + id)
                .then()
                .statusCode(200)
                .body("counts", equalTo(Map.of("PENDING", 2, "DELIVERED", 1, "FAILED", 1, "CANCELLED", 0)));
    }

    @Test
    void oneTimeCampaignKeepsItsEnd() {
        Map<String, Object> body = campaignBody(unique("campaign"), unique("aud"), createDestination());
        body.put("kind", "ONE_TIME");
        Instant endsAt = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        body.put("endsAt", endsAt.toString());

        admin().body(body)
                .post("/admin/campaigns")
                .then()
                .statusCode(201)
                .body("kind", equalTo("ONE_TIME"))
                .body("endsAt", equalTo(endsAt.toString()));
    }

    @Test
    void endsAtIsOnlyForOneTimeCampaigns() {
        String name = unique("campaign");
        Map<String, Object> body = campaignBody(name, unique("aud"), createDestination());
        body.put("endsAt", Instant.now().plus(1, ChronoUnit.DAYS).toString());

        admin().body(body)
                .post("/admin/campaigns")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations[0].field", equalTo("endsAt"))
                .body("violations[0].message", containsString("ONE_TIME"));
        assertNoCampaignNamed(name);
    }

    @Test
    void endsAtInThePastIsABadRequest() {
        String name = unique("campaign");
        Map<String, Object> body = campaignBody(name, unique("aud"), createDestination());
        body.put("kind", "ONE_TIME");
        body.put("endsAt", Instant.now().minus(1, ChronoUnit.MINUTES).toString());

        admin().body(body)
                .post("/admin/campaigns")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("endsAt"))
                .body("violations[0].message", containsString("future"));
        assertNoCampaignNamed(name);
    }

    @Test
    void unknownDestinationIsABadRequestNamingIt() {
        String name = unique("campaign");

        admin().body(campaignBody(name, unique("aud"), 987654321L))
                .post("/admin/campaigns")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations[0].field", equalTo("destinationId"))
                .body("violations[0].message", equalTo("destination 987654321 does not exist"));
        assertNoCampaignNamed(name);
    }

    @Test
    void deletedDestinationCannotBeUsed() {
        long destinationId = createDestination();
        admin().delete("/admin/destinations/" + destinationId).then().statusCode(204);

        admin().body(campaignBody(unique("campaign"), unique("aud"), destinationId))
                .post("/admin/campaigns")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("destinationId"));
    }

    @Test
    void audienceKeyMustBeSnakeCase() {
        for (String key : List.of("VIP Churn", "vip-churn", "Vip_churn", "_vip")) {
            String name = unique("campaign");

            admin().body(campaignBody(name, key, createDestination()))
                    .post("/admin/campaigns")
                    .then()
                    .statusCode(400)
                    .body("violations.field", hasItem("audienceKey"));
            assertNoCampaignNamed(name);
        }
    }

    @Test
    void missingFieldsAreListedAsViolations() {
        admin().body(Map.of("name", " "))
                .post("/admin/campaigns")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", hasItem("name"))
                .body("violations.field", hasItem("audienceKey"))
                .body("violations.field", hasItem("destinationId"))
                .body("violations.field", hasItem("kind"));
    }

    @Test
    void duplicateNameIsAConflict() {
        String name = unique("campaign");
        createCampaign(campaignBody(name, unique("aud"), createDestination()));

        admin().body(campaignBody(name, unique("aud"), createDestination()))
                .post("/admin/campaigns")
                .then()
                .statusCode(409)
                .body("detail", equalTo("a campaign named '" + name + "' already exists"));
    }

    @Test
    void unknownCampaignIsNotFound() {
        admin().get("/admin/campaigns/999999999")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("campaign 999999999 does not exist"));
        admin().post("/admin/campaigns/999999999/pause").then().statusCode(404);
    }

    @Test
    void listFiltersByAudienceAndPagesById() {
        String audienceKey = unique("aud");
        long first = createCampaign(audienceKey);
        long second = createCampaign(audienceKey);
        long third = createCampaign(audienceKey);
        createCampaign(unique("other"));

        Response page = admin().queryParam("audienceKey", audienceKey)
                .queryParam("limit", 2)
                .get("/admin/campaigns");

        page.then()
                .statusCode(200)
                .body("items.id", equalTo(List.of((int) first, (int) second)))
                .body("items[0].counts.PENDING", equalTo(0))
                .body("next", equalTo(String.valueOf(second)));
        admin().queryParam("audienceKey", audienceKey)
                .queryParam("after", page.jsonPath().getString("next"))
                .get("/admin/campaigns")
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of((int) third)))
                .body("next", nullValue());
    }

    @Test
    void listFiltersByStatus() {
        String audienceKey = unique("aud");
        long live = createCampaign(audienceKey);
        long ended = createCampaign(audienceKey);
        admin().post("/admin/campaigns/" + ended + "/end").then().statusCode(200);

        admin().queryParam("audienceKey", audienceKey)
                .queryParam("status", "ENDED")
                .get("/admin/campaigns")
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of((int) ended)));
        admin().queryParam("audienceKey", audienceKey)
                .queryParam("status", "active")
                .get("/admin/campaigns")
                .then()
                .body("items.id", equalTo(List.of((int) live)));
        admin().queryParam("status", "SLEEPING")
                .get("/admin/campaigns")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("status"));
    }

    private static void assertNoCampaignNamed(String name) {
        assertThat(TestDatabase.queryLong("select count(*) from campaign where name = ?", name))
                .isZero();
    }
}
