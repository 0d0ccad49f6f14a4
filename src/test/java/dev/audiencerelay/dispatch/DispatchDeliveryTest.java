package dev.audiencerelay.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.audiencerelay.support.TestDatabase;
import dev.audiencerelay.support.TestSettings;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dispatcher against WireMock standing in for Pendula, with real PostgreSQL and real HTTP. */
@QuarkusTest
@WithTestResource(FastRetries.class)
class DispatchDeliveryTest {

    private static final Duration DELIVERY = Duration.ofSeconds(15);
    private static WireMockServer pendula;

    private String path;

    @BeforeAll
    static void startPendula() {
        pendula = new WireMockServer(options().dynamicPort());
        pendula.start();
    }

    @AfterAll
    static void stopPendula() {
        pendula.stop();
    }

    @BeforeEach
    void resetPendula() {
        pendula.resetAll();
        path = "/flows/" + UUID.randomUUID();
    }

    @Test
    void postsEachTriggerOnceWithDestinationAuthHeadersAndBody() throws Exception {
        answer(202);
        long campaign = activeCampaign(Outbox.bearerDestination(flowUrl(), "pendula-token-9876", "segment-vip", 200));
        long trigger = Outbox.trigger(campaign, "user-ann", "ann@example.com", """
                {"first_name": "Ann", "lastName": "Lee", "phone": "+61400000001", "plan": "gold"}
                """);

        awaitStatus(trigger, "DELIVERED");

        List<LoggedRequest> requests = requests();
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.get(0);
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer pendula-token-9876");
        assertThat(request.getHeader("Idempotency-Key")).isEqualTo(Long.toString(trigger));
        assertThat(request.getHeader("X-PENDULA-CUSTOM-CONTEXT")).isEqualTo("segment-vip");
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        Map<String, Object> body = json(request);
        assertThat(body)
                .containsOnlyKeys(
                        "firstname",
                        "lastname",
                        "mobile",
                        "email",
                        "userId",
                        "audienceKey",
                        "campaignName",
                        "triggerId",
                        "traits");
        assertThat(body)
                .containsEntry("firstname", "Ann")
                .containsEntry("lastname", "Lee")
                .containsEntry("mobile", "+61400000001")
                .containsEntry("email", "ann@example.com")
                .containsEntry("userId", "user-ann")
                .containsEntry("audienceKey", Outbox.audienceKey(campaign))
                .containsEntry("campaignName", Outbox.name(campaign))
                .containsEntry(
                        "traits",
                        Map.of("first_name", "Ann", "lastName", "Lee", "phone", "+61400000001", "plan", "gold"));
        assertThat(((Number) body.get("triggerId")).longValue()).isEqualTo(trigger);
        assertThat(TestDatabase.queryLong(
                        "select count(*) from delivery_attempt where trigger_id = ? and status_code = 202", trigger))
                .isEqualTo(1);
        assertThat(TestDatabase.queryLong(
                        "select count(*) from flow_trigger where id = ? and delivered_at is not null"
                                + " and lease_owner is null and attempt_count = 1",
                        trigger))
                .isEqualTo(1);
    }

    @Test
    void basicAuthSendsTenantAndTokenAndLeavesOutFieldsWithoutSource() throws Exception {
        answer(200);
        long campaign = activeCampaign(Outbox.basicDestination(flowUrl(), "tenant-42", "basic-token"));
        long trigger = Outbox.trigger(campaign, "user-bo", null, "{\"plan\": \"free\"}");

        awaitStatus(trigger, "DELIVERED");

        LoggedRequest request = requests().get(0);
        String credentials =
                Base64.getEncoder().encodeToString("tenant-42:basic-token".getBytes(StandardCharsets.UTF_8));
        assertThat(request.getHeader("Authorization")).isEqualTo("Basic " + credentials);
        assertThat(request.containsHeader("X-PENDULA-CUSTOM-CONTEXT")).isFalse();
        assertThat(json(request))
                .containsOnlyKeys("userId", "audienceKey", "campaignName", "triggerId", "traits")
                .containsEntry("traits", Map.of("plan", "free"));
    }

    @Test
    void serviceUnavailableThenOkIsDeliveredAfterRetry() {
        String scenario = "outage-" + path;
        pendula.stubFor(post(urlEqualTo(path))
                .inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("down for maintenance"))
                .willSetStateTo("up"));
        pendula.stubFor(post(urlEqualTo(path))
                .inScenario(scenario)
                .whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        long trigger = Outbox.trigger(activeCampaign(bearerDestination(200)), "user-retry", null, "{}");

        awaitStatus(trigger, "DELIVERED");

        admin().get("/admin/triggers/" + trigger)
                .then()
                .statusCode(200)
                .body("status", equalTo("DELIVERED"))
                .body("attemptCount", equalTo(2))
                .body("attempts.statusCode", contains(503, 200))
                .body("attempts[0].error", equalTo("HTTP 503: down for maintenance"));
        assertThat(requests()).hasSize(2);
    }

    @Test
    void tooManyRequestsWaitsForRetryAfter() {
        String scenario = "throttled-" + path;
        pendula.stubFor(post(urlEqualTo(path))
                .inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2"))
                .willSetStateTo("calm"));
        pendula.stubFor(post(urlEqualTo(path))
                .inScenario(scenario)
                .whenScenarioStateIs("calm")
                .willReturn(aResponse().withStatus(200)));
        long trigger = Outbox.trigger(activeCampaign(bearerDestination(200)), "user-429", null, "{}");

        awaitStatus(trigger, "DELIVERED");

        long gapMs = TestDatabase.queryLong(
                "select (extract(epoch from max(attempted_at) - min(attempted_at)) * 1000)::bigint"
                        + " from delivery_attempt where trigger_id = ?",
                trigger);
        assertThat(Outbox.attempts(trigger)).isEqualTo(2);
        assertThat(gapMs).isGreaterThanOrEqualTo(2000);
    }

    @Test
    void badRequestFailsAtOnce() {
        pendula.stubFor(
                post(urlEqualTo(path)).willReturn(aResponse().withStatus(400).withBody("mobile is invalid")));
        long trigger = Outbox.trigger(activeCampaign(bearerDestination(200)), "user-400", null, "{}");

        awaitStatus(trigger, "FAILED");

        admin().get("/admin/triggers/" + trigger)
                .then()
                .statusCode(200)
                .body("attemptCount", equalTo(1))
                .body("lastError", equalTo("HTTP 400: mobile is invalid"))
                .body("attempts.statusCode", contains(400));
        assertThat(requests()).hasSize(1);
    }

    @Test
    void lastAttemptFailsTheTriggerAndRetryBringsItBack() {
        answer(500);
        long trigger = Outbox.trigger(activeCampaign(bearerDestination(200)), "user-500", null, "{}");

        awaitStatus(trigger, "FAILED");
        assertThat(Outbox.attempts(trigger)).isEqualTo(FastRetries.MAX_ATTEMPTS);
        assertThat(Outbox.queryText("select last_error from flow_trigger where id = ?", trigger))
                .isEqualTo("gave up after 3 attempts; last: HTTP 500");

        pendula.resetAll();
        answer(200);
        admin().post("/admin/triggers/" + trigger + "/retry")
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("attemptCount", equalTo(0));

        awaitStatus(trigger, "DELIVERED");
        assertThat(Outbox.attempts(trigger)).isEqualTo(FastRetries.MAX_ATTEMPTS + 1);
    }

    @Test
    void timeoutIsRetried() {
        String scenario = "slow-" + path;
        pendula.stubFor(post(urlEqualTo(path))
                .inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(3000))
                .willSetStateTo("fast"));
        pendula.stubFor(post(urlEqualTo(path))
                .inScenario(scenario)
                .whenScenarioStateIs("fast")
                .willReturn(aResponse().withStatus(200)));
        long trigger = Outbox.trigger(activeCampaign(bearerDestination(200)), "user-slow", null, "{}");

        awaitStatus(trigger, "DELIVERED");

        assertThat(TestDatabase.queryLong(
                        "select count(*) from delivery_attempt where trigger_id = ? and status_code is null"
                                + " and error like 'timeout%'",
                        trigger))
                .isEqualTo(1);
    }

    @Test
    void repeatedUnauthorizedPausesTheCampaignAndKeepsItsTriggers() {
        answer(401);
        long campaign = activeCampaign(bearerDestination(200));
        long trigger = Outbox.trigger(campaign, "user-401", null, "{}");

        await().atMost(DELIVERY)
                .until(() -> "PAUSED".equals(Outbox.queryText("select status from campaign where id = ?", campaign)));

        assertThat(Outbox.queryText("select paused_reason from campaign where id = ?", campaign))
                .contains("HTTP 401")
                .contains("3 times");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> requests().size() == 3);
        assertThat(Outbox.status(trigger)).isEqualTo("PENDING");
        assertThat(TestDatabase.queryLong("select attempt_count from flow_trigger where id = ?", trigger))
                .isZero();
        assertThat(Outbox.attempts(trigger)).isEqualTo(3);
    }

    @Test
    void pausedCampaignSendsNothingAndSendsItsBacklogAfterResume() {
        answer(200);
        long campaign = Outbox.campaign(bearerDestination(200), "PAUSED");
        for (int i = 0; i < 5; i++) {
            Outbox.trigger(campaign, "user-held-" + i, null, "{}");
        }

        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(3))
                .until(() -> requests().isEmpty());
        TestDatabase.update("update campaign set status = 'ACTIVE' where id = ?", campaign);

        await().atMost(DELIVERY).until(() -> Outbox.countWithStatus(campaign, "DELIVERED") == 5);
        assertThat(requests()).hasSize(5);
    }

    @Test
    void expiredLeaseIsTakenOverAndLiveLeaseIsRespected() {
        answer(200);
        long campaign = activeCampaign(bearerDestination(200));
        long abandoned = Outbox.trigger(campaign, "user-crashed", null, "{}");
        long held = Outbox.trigger(campaign, "user-held", null, "{}");
        TestDatabase.update(
                "update flow_trigger set lease_owner = 'crashed', lease_until = now() - interval '1 second'"
                        + " where id = ?",
                abandoned);
        TestDatabase.update(
                "update flow_trigger set lease_owner = 'alive', lease_until = now() + interval '1 hour' where id = ?",
                held);

        awaitStatus(abandoned, "DELIVERED");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> requests().size() == 1);
        assertThat(Outbox.status(held)).isEqualTo("PENDING");
    }

    @Test
    void rateLimitHoldsInEverySlidingSecondWhileTheBacklogDrains() {
        answer(200);
        long campaign = activeCampaign(bearerDestination(20));
        Outbox.triggers(campaign, 200);

        await().atMost(Duration.ofSeconds(60)).until(() -> Outbox.countWithStatus(campaign, "DELIVERED") == 200);

        // What is guaranteed: the moments requests are handed to the HTTP client (attempted_at).
        List<Long> starts = attemptStartsMicros(campaign);
        assertThat(starts).hasSize(200);
        assertThat(busiestSecond(starts)).isLessThanOrEqualTo(20);
        // Not vacuous: Pendula got every request, and 200 requests at 20/s cannot arrive in under 9 s.
        List<Long> arrivals = requests().stream()
                .map(request -> request.getLoggedDate().getTime())
                .sorted()
                .toList();
        assertThat(arrivals).hasSize(200);
        assertThat(arrivals.get(199) - arrivals.get(0)).isGreaterThanOrEqualTo(9_000);
    }

    @Test
    void deliveriesAreCountedInMetrics() {
        answer(200);
        long trigger = Outbox.trigger(activeCampaign(bearerDestination(200)), "user-metrics", null, "{}");

        awaitStatus(trigger, "DELIVERED");

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .containsPattern("relay_dispatch_attempts_total\\{[^}]*outcome=\"delivered\"[^}]*} [1-9]")
                .contains("relay_dispatch_attempt_seconds_count")
                .contains("relay_dispatch_oldest_pending_age_seconds");
    }

    /** The most moments (in microseconds, sorted) within any one-second window [t, t + 1 s). */
    static int busiestSecond(List<Long> sortedMicros) {
        int busiest = 0;
        int start = 0;
        for (int end = 0; end < sortedMicros.size(); end++) {
            while (sortedMicros.get(end) - sortedMicros.get(start) >= 1_000_000) {
                start++;
            }
            busiest = Math.max(busiest, end - start + 1);
        }
        return busiest;
    }

    private static List<Long> attemptStartsMicros(long campaign) {
        List<Long> starts = new java.util.ArrayList<>();
        try (var connection = TestDatabase.connect();
                var statement = connection.prepareStatement(
                        "select (extract(epoch from a.attempted_at) * 1000000)::bigint from delivery_attempt a"
                                + " join flow_trigger t on t.id = a.trigger_id where t.campaign_id = ?"
                                + " order by a.attempted_at")) {
            statement.setLong(1, campaign);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    starts.add(rows.getLong(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return starts;
    }

    private void answer(int status) {
        pendula.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)));
    }

    private String flowUrl() {
        return "http://localhost:" + pendula.port() + path;
    }

    private long bearerDestination(int ratePerSecond) {
        return Outbox.bearerDestination(flowUrl(), "token-" + UUID.randomUUID(), null, ratePerSecond);
    }

    private static long activeCampaign(long destinationId) {
        return Outbox.campaign(destinationId, "ACTIVE");
    }

    private List<LoggedRequest> requests() {
        return pendula.findAll(postRequestedFor(urlEqualTo(path)));
    }

    private static void awaitStatus(long trigger, String status) {
        await().atMost(DELIVERY).until(() -> status.equals(Outbox.status(trigger)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(LoggedRequest request) throws Exception {
        return new ObjectMapper().readValue(request.getBodyAsString(), Map.class);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TestSettings.ADMIN_TOKEN);
    }
}
