package dev.audiencerelay.ingest;

import static dev.audiencerelay.ingest.SegmentEvents.audienceKey;
import static dev.audiencerelay.ingest.SegmentEvents.batch;
import static dev.audiencerelay.ingest.SegmentEvents.identify;
import static dev.audiencerelay.ingest.SegmentEvents.members;
import static dev.audiencerelay.ingest.SegmentEvents.post;
import static dev.audiencerelay.ingest.SegmentEvents.processed;
import static dev.audiencerelay.ingest.SegmentEvents.state;
import static dev.audiencerelay.ingest.SegmentEvents.text;
import static dev.audiencerelay.ingest.SegmentEvents.track;
import static dev.audiencerelay.ingest.SegmentEvents.utc;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.audiencerelay.support.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SegmentIngestTest {

    @Test
    void enterExitAndEnterAgainGiveMemberExitedMemberWithTheirTimes() {
        String audience = audienceKey();

        post("/segment", identify(audience, "u-1", true, "2024-05-01T10:00:00Z"))
                .statusCode(200)
                .body("received", equalTo(1))
                .body("recorded", equalTo(1))
                .body("duplicates", equalTo(0))
                .body("ignored", equalTo(0))
                .body("rejected", empty());
        assertThat(state(audience, "u-1")).isEqualTo("MEMBER");
        assertThat(utc("entered_at", audience, "u-1")).isEqualTo("2024-05-01T10:00:00Z");

        post("/segment", identify(audience, "u-1", false, "2024-05-02T11:00:00Z"))
                .statusCode(200)
                .body("recorded", equalTo(1));
        assertThat(state(audience, "u-1")).isEqualTo("EXITED");
        assertThat(utc("exited_at", audience, "u-1")).isEqualTo("2024-05-02T11:00:00Z");
        assertThat(utc("entered_at", audience, "u-1")).isEqualTo("2024-05-01T10:00:00Z");

        post("/segment", identify(audience, "u-1", true, "2024-05-03T12:00:00Z"))
                .statusCode(200)
                .body("recorded", equalTo(1));
        assertThat(state(audience, "u-1")).isEqualTo("MEMBER");
        assertThat(utc("entered_at", audience, "u-1")).isEqualTo("2024-05-03T12:00:00Z");
        assertThat(utc("exited_at", audience, "u-1")).isNull();
        assertThat(text("select entry_count from membership where audience_key = ?", audience))
                .isEqualTo("2");
        assertThat(members(audience)).isEqualTo(1);
    }

    @Test
    void sameMessageIdTwiceIsOneRowAndReportedAsDuplicate() {
        String audience = audienceKey();
        Map<String, Object> enter = identify(audience, "u-2", true, "2024-05-01T10:00:00Z");

        post("/segment", enter).statusCode(200).body("recorded", equalTo(1)).body("duplicates", equalTo(0));
        post("/segment", enter).statusCode(200).body("recorded", equalTo(0)).body("duplicates", equalTo(1));

        assertThat(members(audience)).isEqualTo(1);
        assertThat(processed((String) enter.get("messageId"))).isEqualTo(1);
        assertThat(text("select entry_count from membership where audience_key = ?", audience))
                .isEqualTo("1");
    }

    @Test
    void sameMessageIdTwiceInOneBatchCountsTheSecondAsDuplicate() {
        String audience = audienceKey();
        Map<String, Object> enter = identify(audience, "u-3", true, "2024-05-01T10:00:00Z");

        post("/segment", List.of(enter, enter))
                .statusCode(200)
                .body("received", equalTo(2))
                .body("recorded", equalTo(1))
                .body("duplicates", equalTo(1));

        assertThat(members(audience)).isEqualTo(1);
    }

    @Test
    void olderEventArrivingAfterNewerOneDoesNotChangeTheState() {
        String audience = audienceKey();
        Map<String, Object> exit = identify(audience, "u-4", false, "2024-05-02T10:00:00Z");
        Map<String, Object> olderEnter = identify(audience, "u-4", true, "2024-05-01T10:00:00Z");

        post("/segment", exit).statusCode(200).body("recorded", equalTo(1));
        post("/segment", olderEnter).statusCode(200).body("recorded", equalTo(1));

        assertThat(state(audience, "u-4")).isEqualTo("EXITED");
        assertThat(utc("entered_at", audience, "u-4")).isNull();
        assertThat(text("select last_message_id from membership where audience_key = ?", audience))
                .isEqualTo(exit.get("messageId"));
        assertThat(processed((String) olderEnter.get("messageId"))).isEqualTo(1);
    }

    @Test
    void eventsForOneMemberInOneBatchApplyInTimestampOrder() {
        String audience = audienceKey();
        Map<String, Object> laterExit = identify(audience, "u-5", false, "2024-05-02T10:00:00Z");
        Map<String, Object> earlierEnter = identify(audience, "u-5", true, "2024-05-01T10:00:00Z");

        post("/segment", List.of(laterExit, earlierEnter)).statusCode(200).body("recorded", equalTo(2));

        assertThat(state(audience, "u-5")).isEqualTo("EXITED");
        assertThat(utc("entered_at", audience, "u-5")).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(utc("exited_at", audience, "u-5")).isEqualTo("2024-05-02T10:00:00Z");
    }

    @Test
    void trackEnterAndIdentifyEnterForOnePersonAreOneMember() {
        String audience = audienceKey();

        post("/segment", track(audience, "u-6", true, "2024-05-01T10:00:00Z"))
                .statusCode(200)
                .body("recorded", equalTo(1));
        post("/segment", identify(audience, "u-6", true, "2024-05-01T10:05:00Z"))
                .statusCode(200)
                .body("recorded", equalTo(1));

        assertThat(members(audience)).isEqualTo(1);
        assertThat(state(audience, "u-6")).isEqualTo("MEMBER");
        assertThat(text("select entry_count from membership where audience_key = ?", audience))
                .isEqualTo("1");
        assertThat(text("select email from membership where audience_key = ?", audience))
                .isEqualTo("u-6@example.com");
    }

    @Test
    void trackExitTakesTheAudienceKeyFromPropertiesWhenPersonasLacksIt() {
        String audience = audienceKey();
        Map<String, Object> exit = track(audience, "u-7", false, "2024-05-01T10:00:00Z");
        exit.put("context", new LinkedHashMap<>(Map.of("traits", Map.of("email", "u-7@example.com"))));

        post("/segment", exit).statusCode(200).body("recorded", equalTo(1));

        assertThat(state(audience, "u-7")).isEqualTo("EXITED");
    }

    @Test
    void batchWithOneBadEventRecordsTheOthersAndListsTheBadOneByIndex() {
        String audience = audienceKey();
        Map<String, Object> bad = identify(audience, "u-bad", true, "2024-05-01T10:00:00Z");
        ((Map<String, Object>) bad.get("traits")).put(audience, "yes");

        post(
                        "/segment",
                        batch(List.of(
                                identify(audience, "u-8", true, "2024-05-01T10:00:00Z"),
                                bad,
                                identify(audience, "u-9", true, "2024-05-01T10:00:00Z"))))
                .statusCode(200)
                .body("received", equalTo(3))
                .body("recorded", equalTo(2))
                .body("rejected.index", contains(1))
                .body("rejected[0].reason", containsString("traits." + audience + " must be true or false"));

        assertThat(members(audience)).isEqualTo(2);
        assertThat(state(audience, "u-bad")).isNull();
        assertThat(processed((String) bad.get("messageId"))).isZero();
    }

    @Test
    void segmentLibraryBatchWithBasicAuthIsRecordedOnBothTrackingPaths() {
        String audience = audienceKey();
        Map<String, Object> viaBatch = Map.of(
                "batch",
                List.of(track(audience, "u-10", true, "2024-05-01T10:00:00Z")),
                "sentAt",
                "2024-05-01T10:00:01Z");
        Map<String, Object> viaImport =
                Map.of("batch", List.of(identify(audience, "u-11", true, "2024-05-01T10:00:00Z")));

        for (var request : List.of(Map.entry("/v1/batch", viaBatch), Map.entry("/v1/import", viaImport))) {
            given().auth()
                    .preemptive()
                    .basic(TestSettings.WRITE_KEY, "")
                    .contentType("application/json")
                    .body(SegmentEvents.json(request.getValue()))
                    .post(request.getKey())
                    .then()
                    .statusCode(200)
                    .body("recorded", equalTo(1));
        }

        assertThat(state(audience, "u-10")).isEqualTo("MEMBER");
        assertThat(state(audience, "u-11")).isEqualTo("MEMBER");
    }

    @Test
    void identifyAndTrackPathsTakeOneEventWhoseTypeMayBeLeftOut() {
        String audience = audienceKey();
        Map<String, Object> identify = identify(audience, "u-12", true, "2024-05-01T10:00:00Z");
        identify.remove("type");
        Map<String, Object> track = track(audience, "u-13", true, "2024-05-01T10:00:00Z");
        track.remove("type");

        post("/v1/identify", identify).statusCode(200).body("recorded", equalTo(1));
        post("/v1/track", track).statusCode(200).body("recorded", equalTo(1));

        assertThat(members(audience)).isEqualTo(2);
    }

    @Test
    void eventsThatAreNotAudienceMembershipAreIgnoredAndNotStored() {
        String audience = audienceKey();
        Map<String, Object> computedTrait = identify(audience, "u-14", true, "2024-05-01T10:00:00Z");
        ((Map<String, Object>) ((Map<String, Object>) computedTrait.get("context")).get("personas"))
                .put("computation_class", "trait");
        Map<String, Object> plainIdentify = identify(audience, "u-14", true, "2024-05-01T10:00:00Z");
        plainIdentify.remove("context");
        Map<String, Object> ordinaryTrack = track(audience, "u-14", true, "2024-05-01T10:00:00Z");
        ordinaryTrack.put("event", "Order Completed");
        Map<String, Object> page = Map.of("type", "page", "messageId", "p-" + audience, "userId", "u-14");

        post("/segment", List.of(computedTrait, plainIdentify, ordinaryTrack, page))
                .statusCode(200)
                .body("received", equalTo(4))
                .body("recorded", equalTo(0))
                .body("ignored", equalTo(4))
                .body("rejected", empty());

        assertThat(members(audience)).isZero();
        assertThat(processed((String) computedTrait.get("messageId"))).isZero();
    }

    @Test
    void traitsAreMergedAndKeptUpToDateWithoutTheAudienceFlag() {
        String audience = audienceKey();
        Map<String, Object> enter = identify(audience, "u-15", true, "2024-05-01T10:00:00Z");
        ((Map<String, Object>) enter.get("traits")).putAll(Map.of("first_name", "Ada", "plan", "free"));
        Map<String, Object> again = identify(audience, "u-15", true, "2024-05-02T10:00:00Z");
        ((Map<String, Object>) again.get("traits")).put("plan", "pro");

        post("/segment", enter).statusCode(200);
        post("/segment", again).statusCode(200);

        assertThat(text("select traits->>'first_name' from membership where audience_key = ?", audience))
                .isEqualTo("Ada");
        assertThat(text("select traits->>'plan' from membership where audience_key = ?", audience))
                .isEqualTo("pro");
        assertThat(text(
                        "select jsonb_exists(traits, ?)::text from membership where audience_key = ?",
                        audience,
                        audience))
                .isEqualTo("false");
    }

    @Test
    void profileKeyIsTheLowerCasedEmailWithoutUserIdElseTheAnonymousId() {
        String audience = audienceKey();
        Map<String, Object> byEmail = identify(audience, "ignored", true, "2024-05-01T10:00:00Z");
        byEmail.remove("userId");
        ((Map<String, Object>) byEmail.get("traits")).put("email", "Grace.Hopper@Example.COM");
        Map<String, Object> byAnonymousId = identify(audience, "ignored", true, "2024-05-01T10:00:00Z");
        byAnonymousId.remove("userId");
        ((Map<String, Object>) byAnonymousId.get("traits")).remove("email");
        byAnonymousId.put("anonymousId", "anon-" + audience);

        post("/segment", List.of(byEmail, byAnonymousId)).statusCode(200).body("recorded", equalTo(2));

        assertThat(state(audience, "grace.hopper@example.com")).isEqualTo("MEMBER");
        assertThat(state(audience, "anon-" + audience)).isEqualTo("MEMBER");
    }
}
