package dev.audiencerelay.campaign;

import static dev.audiencerelay.campaign.CampaignFixtures.admin;
import static dev.audiencerelay.campaign.CampaignFixtures.campaignBody;
import static dev.audiencerelay.campaign.CampaignFixtures.createCampaign;
import static dev.audiencerelay.campaign.CampaignFixtures.createDestination;
import static dev.audiencerelay.campaign.CampaignFixtures.insertMember;
import static dev.audiencerelay.campaign.CampaignFixtures.queryString;
import static dev.audiencerelay.campaign.CampaignFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.audiencerelay.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ExistingMembersTest {

    @Test
    void includeExistingMembersTriggersEachCurrentMemberExactlyOnce() {
        String audienceKey = unique("vip");
        for (int i = 0; i < 8; i++) {
            insertMember(audienceKey, "member-" + i, "MEMBER", 1);
        }
        insertMember(audienceKey, "left-1", "EXITED", 1);
        insertMember(audienceKey, "left-2", "EXITED", 2);
        insertMember(unique("other"), "member-0", "MEMBER", 1);

        long id = createCampaign(withExistingMembers(audienceKey, false));

        admin().get("/admin/campaigns/" + id)
                .then()
                .body("includeExistingMembers", equalTo(true))
                .body("existingMembersPending", equalTo(false))
                .body("counts.PENDING", equalTo(8));
        assertThat(TestDatabase.queryLong(
                        "select count(distinct profile_key) from flow_trigger where campaign_id = ?"
                                + " and profile_key like 'member-%' and entry_number = 1",
                        id))
                .isEqualTo(8);
        assertThat(TestDatabase.queryLong(
                        "select count(*) from flow_trigger where campaign_id = ? and profile_key like 'left-%'", id))
                .isZero();
    }

    @Test
    void triggerPayloadFollowsTheContract() {
        String audienceKey = unique("vip");
        insertMember(audienceKey, "ada", "MEMBER", 1);

        long id = createCampaign(withExistingMembers(audienceKey, false));

        String payload =
                queryString("select payload::text from flow_trigger where campaign_id = ? and profile_key = 'ada'", id);
        assertThat(payload).isNotNull();
        assertThat(TestDatabase.queryLong(
                        "select count(*) from flow_trigger where campaign_id = ? and payload = ?::jsonb",
                        id,
                        "{\"audienceKey\": \"" + audienceKey + "\", \"profileKey\": \"ada\", \"userId\": \"ada\","
                                + " \"email\": \"ada@example.com\", \"anonymousId\": \"anon-ada\","
                                + " \"traits\": {\"firstName\": \"Ada\", \"plan\": \"gold\"}}"))
                .as(payload)
                .isOne();
    }

    @Test
    void retriggeringCampaignKeysExistingMembersOnTheirEntryCount() {
        String audienceKey = unique("vip");
        insertMember(audienceKey, "returning", "MEMBER", 3);

        long id = createCampaign(withExistingMembers(audienceKey, true));

        assertThat(TestDatabase.queryLong(
                        "select entry_number from flow_trigger where campaign_id = ? and profile_key = 'returning'",
                        id))
                .isEqualTo(3);
    }

    @Test
    void withoutIncludeExistingMembersNobodyIsTriggeredAtCreation() {
        String audienceKey = unique("vip");
        insertMember(audienceKey, "already-here", "MEMBER", 1);

        long id = createCampaign(audienceKey);

        admin().get("/admin/campaigns/" + id)
                .then()
                .body("includeExistingMembers", equalTo(false))
                .body("counts.PENDING", equalTo(0));
    }

    @Test
    void interruptedWorkIsFinishedByTheSchedulerWithoutDuplicates() {
        String audienceKey = unique("vip");
        for (int i = 0; i < 4; i++) {
            insertMember(audienceKey, "first-" + i, "MEMBER", 1);
        }
        long id = createCampaign(withExistingMembers(audienceKey, false));
        insertMember(audienceKey, "late-1", "MEMBER", 1);
        insertMember(audienceKey, "late-2", "MEMBER", 1);

        // As if the process had stopped before the first batch committed.
        TestDatabase.update("update campaign set existing_members_after_id = 0 where id = ?", id);

        Awaitility.await()
                .atMost(Duration.ofSeconds(40))
                .until(() -> TestDatabase.queryLong(
                                "select count(*) from campaign where id = ? and existing_members_after_id is null", id)
                        == 1);
        assertThat(TestDatabase.queryLong("select count(*) from flow_trigger where campaign_id = ?", id))
                .isEqualTo(6);
        assertThat(TestDatabase.queryLong(
                        "select count(distinct profile_key) from flow_trigger where campaign_id = ?", id))
                .isEqualTo(6);
    }

    @Test
    void endedCampaignWritesNoTriggersForExistingMembers() {
        String audienceKey = unique("vip");
        insertMember(audienceKey, "too-late", "MEMBER", 1);
        long id = createCampaign(audienceKey);
        admin().post("/admin/campaigns/" + id + "/end").then().statusCode(200);

        TestDatabase.update("update campaign set existing_members_after_id = 0 where id = ?", id);

        Awaitility.await()
                .atMost(Duration.ofSeconds(40))
                .until(() -> TestDatabase.queryLong(
                                "select count(*) from campaign where id = ? and existing_members_after_id is null", id)
                        == 1);
        assertThat(TestDatabase.queryLong("select count(*) from flow_trigger where campaign_id = ?", id))
                .isZero();
    }

    private static Map<String, Object> withExistingMembers(String audienceKey, boolean retrigger) {
        Map<String, Object> body = campaignBody(unique("campaign"), audienceKey, createDestination());
        body.put("includeExistingMembers", true);
        body.put("retriggerOnReentry", retrigger);
        return body;
    }
}
