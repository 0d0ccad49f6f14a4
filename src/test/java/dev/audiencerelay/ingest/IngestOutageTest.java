package dev.audiencerelay.ingest;

import static dev.audiencerelay.ingest.SegmentEvents.audienceKey;
import static dev.audiencerelay.ingest.SegmentEvents.identify;
import static dev.audiencerelay.ingest.SegmentEvents.json;
import static dev.audiencerelay.ingest.SegmentEvents.state;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.audiencerelay.devdb.LocalPostgres;
import dev.audiencerelay.support.TestDatabase;
import dev.audiencerelay.support.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** While PostgreSQL is down ingest answers 503, so Segment retries, and nothing is lost after. */
@QuarkusTest
class IngestOutageTest {

    @Test
    void databaseOutageAnswers503WithRetryAfterAndTheRetryIsRecorded() {
        LocalPostgres server = TestDatabase.embeddedServer();
        assumeTrue(server != null, "only the embedded database can be stopped by a test");
        String audience = audienceKey();
        String body = json(identify(audience, "u-1", true, "2024-05-01T10:00:00Z"));

        server.stopServer();
        try {
            Response answer = post(body);
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.header("Retry-After")).isNotBlank();
            assertThat(answer.jsonPath().getString("detail")).contains("database is unavailable");
        } finally {
            server.startServer();
        }

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> post(body).then().statusCode(200).body("recorded", equalTo(1)));
        assertThat(state(audience, "u-1")).isEqualTo("MEMBER");
    }

    private static Response post(String body) {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + TestSettings.WRITE_KEY)
                .body(body)
                .post("/segment");
    }
}
