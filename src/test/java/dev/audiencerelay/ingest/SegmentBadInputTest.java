package dev.audiencerelay.ingest;

import static dev.audiencerelay.ingest.SegmentEvents.audienceKey;
import static dev.audiencerelay.ingest.SegmentEvents.identify;
import static dev.audiencerelay.ingest.SegmentEvents.json;
import static dev.audiencerelay.ingest.SegmentEvents.members;
import static dev.audiencerelay.ingest.SegmentEvents.post;
import static dev.audiencerelay.ingest.SegmentEvents.processed;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.audiencerelay.support.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gets its status and a problem document naming it, and writes nothing. */
@QuarkusTest
class SegmentBadInputTest {

    private String audience;
    private Map<String, Object> event;

    @BeforeEach
    void freshEvent() {
        audience = audienceKey();
        event = identify(audience, "u-1", true, "2024-05-01T10:00:00Z");
    }

    @Test
    void malformedJsonIs400() {
        String body = json(event);
        problem(post("/segment", body.substring(0, body.length() - 1)), 400)
                .body("detail", containsString("not valid JSON"));
        assertNothingWritten();
    }

    @Test
    void wrongContentTypeIs415() {
        problem(
                        given().contentType("text/plain")
                                .header("Authorization", "Bearer " + TestSettings.WRITE_KEY)
                                .body(json(event))
                                .post("/segment")
                                .then(),
                        415)
                .body("detail", containsString("application/json"));
        assertNothingWritten();
    }

    @Test
    void bodyOver512KilobytesIs413() {
        List<Object> events = new ArrayList<>(Collections.nCopies(40, event));
        String body = json(events) + " ".repeat(512 * 1024);
        problem(post("/segment", body), 413).body("detail", containsString("at most 524288"));
        assertNothingWritten();
    }

    @Test
    void singleEventOver32KilobytesIs400() {
        withBigTrait(event);
        problem(post("/segment", event), 400).body("detail", containsString("at most 32768 are accepted"));
        assertNothingWritten();
    }

    @Test
    void eventOver32KilobytesInABatchIsRejectedByIndex() {
        withBigTrait(event);
        Map<String, Object> fine = identify(audience, "u-2", true, "2024-05-01T10:00:00Z");
        post("/segment", List.of(fine, event))
                .statusCode(200)
                .body("recorded", equalTo(1))
                .body("rejected.index", contains(1))
                .body("rejected[0].reason", containsString("at most 32768"));
        assertNothingWritten();
    }

    @Test
    void batchOver2500EventsIs413() {
        Map<String, Object> page = Map.of("type", "page", "messageId", "p");
        problem(post("/v1/batch", Map.of("batch", Collections.nCopies(2501, page))), 413)
                .body("detail", containsString("2501 events; at most 2500"));
    }

    @Test
    void eventWithoutAnyIdentityIs400() {
        event.remove("userId");
        ((Map<?, ?>) event.get("traits")).remove("email");
        problem(post("/segment", event), 400).body("detail", containsString("no userId, email"));
        assertNothingWritten();
    }

    @Test
    void nonBooleanMembershipValueIs400WithTheField() {
        ((Map<String, Object>) event.get("traits")).put(audience, "true");
        problem(post("/segment", event), 400)
                .body("detail", containsString("traits." + audience + " must be true or false"))
                .body("violations[0].field", equalTo("traits." + audience))
                .body("violations[0].in", equalTo("body"));
        assertNothingWritten();
    }

    @Test
    void unknownTypeIs400() {
        event.put("type", "teleport");
        problem(post("/segment", event), 400).body("detail", containsString("unknown type 'teleport'"));
        assertNothingWritten();
    }

    @Test
    void missingMessageIdIs400() {
        event.remove("messageId");
        problem(post("/segment", event), 400).body("detail", containsString("messageId is missing"));
        assertThat(members(audience)).isZero();
    }

    @Test
    void unparseableTimestampIs400() {
        event.put("timestamp", "yesterday");
        problem(post("/segment", event), 400).body("detail", containsString("timestamp 'yesterday'"));
        assertNothingWritten();
    }

    @Test
    void jsonThatIsNeitherObjectNorArrayIs400() {
        problem(post("/segment", "\"hello\""), 400).body("detail", containsString("must be a JSON object"));
    }

    @Test
    void batchOnTheSingleEventPathIs400() {
        problem(post("/v1/identify", List.of(event)), 400).body("detail", containsString("/v1/batch"));
        assertNothingWritten();
    }

    private static void withBigTrait(Map<String, Object> event) {
        ((Map<String, Object>) event.get("traits")).put("notes", "x".repeat(33 * 1024));
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("title", org.hamcrest.Matchers.notNullValue());
    }

    private void assertNothingWritten() {
        assertThat(SegmentEvents.state(audience, "u-1")).isNull();
        assertThat(processed((String) event.get("messageId"))).isZero();
    }
}
