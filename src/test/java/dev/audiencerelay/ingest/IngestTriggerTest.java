package dev.audiencerelay.ingest;

import static dev.audiencerelay.ingest.SegmentEvents.audienceKey;
import static dev.audiencerelay.ingest.SegmentEvents.identify;
import static dev.audiencerelay.ingest.SegmentEvents.post;
import static dev.audiencerelay.ingest.SegmentEvents.text;
import static dev.audiencerelay.ingest.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiencerelay.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Enters write one PENDING trigger per live campaign on the audience, in the same commit. */
@QuarkusTest
class IngestTriggerTest {

    @Test
    void enterWritesAPendingTriggerForEachActiveOrPausedCampaignWithTheMemberAsPayload() throws Exception {
        String audience = audienceKey();
        long active = campaign(audience, "ACTIVE", false);
        long paused = campaign(audience, "PAUSED", false);
        long ended = campaign(audience, "ENDED", false);
        long otherAudience = campaign(audienceKey(), "ACTIVE", false);
        Map<String, Object> enter = identify(audience, "u-1", true, "2024-05-01T10:00:00Z");
        ((Map<String, Object>) enter.get("traits")).put("first_name", "Ada");
        enter.put("anonymousId", "anon-1");

        post("/segment", enter).statusCode(200);

        assertThat(triggers(active)).isEqualTo(1);
        assertThat(triggers(paused)).isEqualTo(1);
        assertThat(triggers(ended)).isZero();
        assertThat(triggers(otherAudience)).isZero();
        assertThat(text("select status from flow_trigger where campaign_id = ?", active))
                .isEqualTo("PENDING");
        JsonNode payload = new ObjectMapper()
                .readTree(text("select payload::text from flow_trigger where campaign_id = ?", active));
        assertThat(payload.get("audienceKey").asText()).isEqualTo(audience);
        assertThat(payload.get("profileKey").asText()).isEqualTo("u-1");
        assertThat(payload.get("userId").asText()).isEqualTo("u-1");
        assertThat(payload.get("email").asText()).isEqualTo("u-1@example.com");
        assertThat(payload.get("anonymousId").asText()).isEqualTo("anon-1");
        assertThat(payload.get("traits").get("first_name").asText()).isEqualTo("Ada");
        assertThat(payload.get("traits").has(audience)).isFalse();
    }

    @Test
    void repeatedEnterDoesNotTriggerTwiceNorDoesReentryWithoutRetrigger() {
        String audience = audienceKey();
        long campaign = campaign(audience, "ACTIVE", false);

        post("/segment", identify(audience, "u-2", true, "2024-05-01T10:00:00Z"))
                .statusCode(200);
        post("/segment", track(audience, "u-2", true, "2024-05-01T10:01:00Z")).statusCode(200);
        post("/segment", identify(audience, "u-2", false, "2024-05-02T10:00:00Z"))
                .statusCode(200);
        post("/segment", identify(audience, "u-2", true, "2024-05-03T10:00:00Z"))
                .statusCode(200);

        assertThat(triggers(campaign)).isEqualTo(1);
        assertThat(text("select entry_number from flow_trigger where campaign_id = ?", campaign))
                .isEqualTo("1");
    }

    @Test
    void retriggerCampaignGetsOneMoreTriggerAfterEachExitAndReentry() {
        String audience = audienceKey();
        long campaign = campaign(audience, "ACTIVE", true);

        post("/segment", identify(audience, "u-3", true, "2024-05-01T10:00:00Z"))
                .statusCode(200);
        post("/segment", identify(audience, "u-3", true, "2024-05-01T11:00:00Z"))
                .statusCode(200);
        post("/segment", identify(audience, "u-3", false, "2024-05-02T10:00:00Z"))
                .statusCode(200);
        post("/segment", identify(audience, "u-3", true, "2024-05-03T10:00:00Z"))
                .statusCode(200);

        assertThat(triggers(campaign)).isEqualTo(2);
        assertThat(text(
                        "select string_agg(entry_number::text, ',' order by entry_number) from flow_trigger"
                                + " where campaign_id = ?",
                        campaign))
                .isEqualTo("1,2");
    }

    @Test
    void exitAndStaleEnterWriteNoTrigger() {
        String audience = audienceKey();
        long campaign = campaign(audience, "ACTIVE", false);

        post("/segment", identify(audience, "u-4", false, "2024-05-02T10:00:00Z"))
                .statusCode(200);
        post("/segment", identify(audience, "u-4", true, "2024-05-01T10:00:00Z"))
                .statusCode(200);

        assertThat(triggers(campaign)).isZero();
    }

    @Test
    void duplicateEnterOfAMemberWhoseTriggerWasDeliveredWritesNothingNew() {
        String audience = audienceKey();
        long campaign = campaign(audience, "ACTIVE", false);
        Map<String, Object> enter = identify(audience, "u-5", true, "2024-05-01T10:00:00Z");

        post("/segment", enter).statusCode(200);
        TestDatabase.update(
                "update flow_trigger set status = 'DELIVERED', delivered_at = now() where campaign_id = ?", campaign);
        post("/segment", enter).statusCode(200);

        assertThat(text("select status from flow_trigger where campaign_id = ?", campaign))
                .isEqualTo("DELIVERED");
        assertThat(triggers(campaign)).isEqualTo(1);
    }

    /** Inserts a destination and a campaign with SQL, as the admin API is another feature's. */
    static long campaign(String audience, String status, boolean retrigger) {
        String name = "ingest-test-" + UUID.randomUUID();
        TestDatabase.update(
                "insert into destination (name, flow_url, auth_scheme, token_ciphertext, token_last_four)"
                        + " values (?, 'http://127.0.0.1:9/flow', 'BEARER', '\\x00'::bytea, 'abcd')",
                name);
        TestDatabase.update(
                "insert into campaign (name, audience_key, destination_id, kind, status, retrigger_on_reentry,"
                        + " ended_at) select ?, ?, id, 'PERSISTENT', ?, ?,"
                        + " case when ? = 'ENDED' then now() end from destination where name = ?",
                name,
                audience,
                status,
                retrigger,
                status,
                name);
        return TestDatabase.queryLong("select id from campaign where name = ?", name);
    }

    static long triggers(long campaignId) {
        return TestDatabase.queryLong("select count(*) from flow_trigger where campaign_id = ?", campaignId);
    }
}
