package dev.audiencerelay.ingest;

import static dev.audiencerelay.ingest.SegmentEvents.audienceKey;
import static dev.audiencerelay.ingest.SegmentEvents.identify;
import static dev.audiencerelay.ingest.SegmentEvents.json;
import static dev.audiencerelay.ingest.SegmentEvents.members;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.audiencerelay.support.TestDatabase;
import dev.audiencerelay.support.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Concurrent requests share transactions, and each is still answered only after its commit. */
@QuarkusTest
class GroupCommitTest {

    private static final int REQUESTS = 200;

    @Test
    void twoHundredConcurrentSingleEventRequestsAllCommitInFewerTransactionsThanRequests() throws Exception {
        String audience = audienceKey();
        double transactionsBefore = metric("relay_ingest_transactions_total");
        double requestsBefore = metric("relay_ingest_requests_total");

        List<HttpResponse<String>> responses = postConcurrently(audience);

        assertThat(responses).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"recorded\":1");
        });
        assertThat(members(audience)).isEqualTo(REQUESTS);
        double transactions = metric("relay_ingest_transactions_total") - transactionsBefore;
        double requests = metric("relay_ingest_requests_total") - requestsBefore;
        assertThat(requests).isGreaterThanOrEqualTo(REQUESTS);
        assertThat(transactions).isPositive().isLessThan(requests);
    }

    @Test
    void concurrentEntersOfOnePersonOnParallelWritersMakeOneMemberAndOneTrigger() throws Exception {
        String audience = audienceKey();
        long campaign = IngestTriggerTest.campaign(audience, "PAUSED", false);

        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            // Segment re-sending one enter with new message ids (merges, several emails), all at once.
            bodies.add(json(identify(audience, "same-person", true, "2024-05-01T10:00:" + (10 + i % 40) + "Z")));
        }
        List<HttpResponse<String>> responses = postConcurrently(bodies);

        assertThat(responses)
                .allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));
        assertThat(members(audience)).isEqualTo(1);
        assertThat(TestDatabase.queryLong("select count(*) from flow_trigger where campaign_id = ?", campaign))
                .isEqualTo(1);
        assertThat(TestDatabase.queryLong(
                        "select count(*) from membership where audience_key = ? and state = 'MEMBER'"
                                + " and last_event_at = '2024-05-01T10:00:49Z'",
                        audience))
                .as("the newest of the concurrent events is the one that stays applied")
                .isEqualTo(1);
    }

    private static List<HttpResponse<String>> postConcurrently(String audience) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            bodies.add(json(identify(audience, "u-" + i, true, "2024-05-01T10:00:00Z")));
        }
        return postConcurrently(bodies);
    }

    private static List<HttpResponse<String>> postConcurrently(List<String> bodies) throws Exception {
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/segment");
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build()) {
            List<HttpRequest> requests = new ArrayList<>();
            for (String body : bodies) {
                requests.add(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TestSettings.WRITE_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
            }
            // Built first, sent together: the requests reach the service as one burst.
            List<CompletableFuture<HttpResponse<String>>> sent = requests.stream()
                    .map(request -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                    .toList();
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            return sent.stream().map(CompletableFuture::join).toList();
        }
    }

    /** The value of a counter without labels, as /q/metrics shows it. */
    static double metric(String name) {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
