package dev.audiencerelay.audience;

import static dev.audiencerelay.campaign.CampaignFixtures.admin;
import static dev.audiencerelay.campaign.CampaignFixtures.createCampaign;
import static dev.audiencerelay.campaign.CampaignFixtures.insertMember;
import static dev.audiencerelay.campaign.CampaignFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.audiencerelay.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AudienceAdminTest {

    @Test
    void audiencesShowMemberAndExitedCountsLastEventAndCampaigns() {
        String prefix = unique("aud");
        String first = prefix + "_a";
        String second = prefix + "_b";
        insertMember(first, "m1", "MEMBER", 1);
        insertMember(first, "m2", "MEMBER", 1);
        insertMember(first, "gone", "EXITED", 1);
        insertMember(second, "m1", "MEMBER", 1);
        TestDatabase.update(
                "update membership set last_event_at = '2025-06-01T12:00:00Z'"
                        + " where audience_key = ? and profile_key = 'm2'",
                first);
        long campaignId = createCampaign(first);

        Response page =
                admin().queryParam("after", prefix).queryParam("limit", 1).get("/admin/audiences");

        page.then()
                .statusCode(200)
                .body("items.audienceKey", equalTo(List.of(first)))
                .body("items[0].members", equalTo(2))
                .body("items[0].exited", equalTo(1))
                .body("items[0].lastEventAt", equalTo("2025-06-01T12:00:00Z"))
                .body("items[0].campaigns.id", equalTo(List.of((int) campaignId)))
                .body("items[0].campaigns[0].status", equalTo("ACTIVE"))
                .body("next", equalTo(first));
        admin().queryParam("after", first)
                .queryParam("limit", 1)
                .get("/admin/audiences")
                .then()
                .statusCode(200)
                .body("items[0].audienceKey", equalTo(second))
                .body("items[0].members", equalTo(1))
                .body("items[0].exited", equalTo(0))
                .body("items[0].campaigns", equalTo(List.of()));
    }

    @Test
    void membersArePagedByIdWithEveryField() {
        String audienceKey = unique("vip");
        long first = insertMember(audienceKey, "user-1", "MEMBER", 1);
        long second = insertMember(audienceKey, "user-2", "EXITED", 2);
        long third = insertMember(audienceKey, "user-3", "MEMBER", 1);

        Response page = admin().queryParam("limit", 2).get("/admin/audiences/" + audienceKey + "/members");

        page.then()
                .statusCode(200)
                .body("items.id", equalTo(List.of((int) first, (int) second)))
                .body("items[0].profileKey", equalTo("user-1"))
                .body("items[0].userId", equalTo("user-1"))
                .body("items[0].email", equalTo("user-1@example.com"))
                .body("items[0].anonymousId", equalTo("anon-user-1"))
                .body("items[0].state", equalTo("MEMBER"))
                .body("items[0].enteredAt", equalTo("2025-03-01T10:00:00Z"))
                .body("items[0].exitedAt", nullValue())
                .body("items[0].traits.plan", equalTo("gold"))
                .body("items[1].state", equalTo("EXITED"))
                .body("items[1].exitedAt", equalTo("2025-03-02T10:00:00Z"))
                .body("next", equalTo(String.valueOf(second)));
        admin().queryParam("after", page.jsonPath().getString("next"))
                .get("/admin/audiences/" + audienceKey + "/members")
                .then()
                .body("items.id", equalTo(List.of((int) third)))
                .body("next", nullValue());
    }

    @Test
    void membersCanBeFilteredByState() {
        String audienceKey = unique("vip");
        insertMember(audienceKey, "in-1", "MEMBER", 1);
        insertMember(audienceKey, "out-1", "EXITED", 1);
        insertMember(audienceKey, "in-2", "MEMBER", 1);

        admin().queryParam("state", "EXITED")
                .get("/admin/audiences/" + audienceKey + "/members")
                .then()
                .statusCode(200)
                .body("items.profileKey", equalTo(List.of("out-1")));
        admin().queryParam("state", "member")
                .get("/admin/audiences/" + audienceKey + "/members")
                .then()
                .body("items.profileKey", equalTo(List.of("in-1", "in-2")));
    }

    @Test
    void badStateOrLimitIsABadRequest() {
        String audienceKey = unique("vip");
        insertMember(audienceKey, "someone", "MEMBER", 1);

        admin().queryParam("state", "LURKING")
                .get("/admin/audiences/" + audienceKey + "/members")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations[0].field", equalTo("state"))
                .body("violations[0].in", equalTo("query"));
        admin().queryParam("limit", 501)
                .get("/admin/audiences/" + audienceKey + "/members")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("limit"));
        admin().queryParam("limit", 0).get("/admin/audiences").then().statusCode(400);
    }

    @Test
    void unknownAudienceIsNotFound() {
        String audienceKey = unique("never_seen");

        admin().get("/admin/audiences/" + audienceKey + "/members")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no member of audience '" + audienceKey + "' has been recorded"));
        assertThat(audienceKey).startsWith("never_seen_");
    }
}
