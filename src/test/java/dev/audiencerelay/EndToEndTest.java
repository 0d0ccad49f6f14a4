package dev.audiencerelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.audiencerelay.support.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path an operator relies on, through the public HTTP interfaces only: Segment events in,
 * campaigns managed through the admin API, flows started on a fake Pendula.
 */
@QuarkusTest
class EndToEndTest {

    private static final Duration DELIVERY = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WireMockServer pendula;

    private final String audience =
            "e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final String flowPath = "/flows/" + audience + "/trigger";

    @BeforeAll
    static void startPendula() {
        pendula = new WireMockServer(options().dynamicPort());
        pendula.start();
    }

    @AfterAll
    static void stopPendula() {
        pendula.stop();
    }

    @Test
    void enteringMembersStartTheFlowOnceAndTheCampaignLifecycleIsHonoured() {
        pendula.stubFor(post(urlEqualTo(flowPath)).willReturn(aResponse().withStatus(202)));
        long destination = createDestination("pendula-e2e-token-7781");
        String campaignName = "e2e-campaign-" + audience;
        long campaign = createCampaign(campaignName, destination);

        enter("ada", Map.of("first_name", "Ada", "lastName", "Lovelace", "phone", "+61400111222"));
        List<LoggedRequest> delivered = awaitRequests(1);

        LoggedRequest first = delivered.get(0);
        assertThat(first.getHeader("Authorization")).isEqualTo("Bearer pendula-e2e-token-7781");
        assertThat(first.getHeader("X-PENDULA-CUSTOM-CONTEXT")).isEqualTo("segment-engage");
        JsonNode body = read(first);
        assertThat(body.path("firstname").asText()).isEqualTo("Ada");
        assertThat(body.path("lastname").asText()).isEqualTo("Lovelace");
        assertThat(body.path("mobile").asText()).isEqualTo("+61400111222");
        assertThat(body.path("userId").asText()).isEqualTo("ada");
        assertThat(body.path("campaignName").asText()).isEqualTo(campaignName);
        assertThat(first.getHeader("Idempotency-Key"))
                .isEqualTo(body.path("triggerId").asText());
        awaitCount(campaign, "DELIVERED", 1);

        // Segment sends the enter again (a merge, a retry with a new messageId): nobody is texted twice.
        enter("ada", Map.of());
        pause(campaign);
        enter("grace", Map.of("firstName", "Grace"));
        awaitCount(campaign, "PENDING", 1);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> requests().size() == 1);

        resume(campaign);
        awaitRequests(2);
        awaitCount(campaign, "DELIVERED", 2);

        end(campaign);
        enter("alan", Map.of("first_name", "Alan"));
        admin().get("/admin/audiences/" + audience + "/members?state=MEMBER")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(3));
        admin().get("/admin/triggers?campaignId=" + campaign)
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(2));
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> requests().size() == 2);
    }

    @Test
    void includeExistingMembersStartsTheFlowForEveryoneAlreadyInTheAudience() {
        pendula.stubFor(post(urlEqualTo(flowPath)).willReturn(aResponse().withStatus(200)));
        enter("early-1", Map.of());
        enter("early-2", Map.of());
        exit("early-2");

        long destination = createDestination("pendula-e2e-token-9912");
        Map<String, Object> body = campaignBody("e2e-existing-" + audience, destination);
        body.put("includeExistingMembers", true);
        long campaign = admin().body(body)
                .post("/admin/campaigns")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getLong("id");

        List<LoggedRequest> delivered = awaitRequests(1);
        assertThat(read(delivered.get(0)).path("userId").asText()).isEqualTo("early-1");
        awaitCount(campaign, "DELIVERED", 1);
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> requests().size() == 1);
    }

    private void enter(String userId, Map<String, Object> extraTraits) {
        membershipEvent(userId, true, extraTraits);
    }

    private void exit(String userId) {
        membershipEvent(userId, false, Map.of());
    }

    private void membershipEvent(String userId, boolean entered, Map<String, Object> extraTraits) {
        Map<String, Object> traits = new java.util.HashMap<>(extraTraits);
        traits.put(audience, entered);
        traits.put("email", userId + "@example.com");
        Map<String, Object> event = Map.of(
                "type",
                "identify",
                "messageId",
                "e2e-" + UUID.randomUUID(),
                "userId",
                userId,
                "timestamp",
                Instant.now().toString(),
                "traits",
                traits,
                "context",
                Map.of(
                        "personas",
                        Map.of(
                                "computation_class", "audience",
                                "computation_key", audience,
                                "computation_id", "aud_e2e",
                                "space_id", "spa_e2e")));
        given().auth()
                .preemptive()
                .basic(TestSettings.WRITE_KEY, "")
                .contentType(ContentType.JSON)
                .body(Map.of("batch", List.of(event)))
                .post("/v1/batch")
                .then()
                .statusCode(200)
                .body("recorded", equalTo(1));
    }

    private long createDestination(String token) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("name", "e2e-destination-" + UUID.randomUUID());
        body.put("flowUrl", pendula.baseUrl() + flowPath);
        body.put("authScheme", "BEARER");
        body.put("token", token);
        body.put("customContext", "segment-engage");
        return admin().body(body)
                .post("/admin/destinations")
                .then()
                .statusCode(201)
                .body("tokenLastFour", equalTo(token.substring(token.length() - 4)))
                .extract()
                .jsonPath()
                .getLong("id");
    }

    private Map<String, Object> campaignBody(String name, long destination) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("name", name);
        body.put("audienceKey", audience);
        body.put("destinationId", destination);
        body.put("kind", "PERSISTENT");
        return body;
    }

    private long createCampaign(String name, long destination) {
        return admin().body(campaignBody(name, destination))
                .post("/admin/campaigns")
                .then()
                .statusCode(201)
                .body("status", equalTo("ACTIVE"))
                .extract()
                .jsonPath()
                .getLong("id");
    }

    private void pause(long campaign) {
        admin().post("/admin/campaigns/" + campaign + "/pause")
                .then()
                .statusCode(200)
                .body("status", equalTo("PAUSED"));
    }

    private void resume(long campaign) {
        admin().post("/admin/campaigns/" + campaign + "/resume")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACTIVE"));
    }

    private void end(long campaign) {
        admin().post("/admin/campaigns/" + campaign + "/end")
                .then()
                .statusCode(200)
                .body("status", equalTo("ENDED"));
    }

    private void awaitCount(long campaign, String state, int expected) {
        await().atMost(DELIVERY)
                .untilAsserted(() -> admin().get("/admin/campaigns/" + campaign)
                        .then()
                        .statusCode(200)
                        .body("counts." + state, equalTo(expected)));
    }

    private List<LoggedRequest> awaitRequests(int expected) {
        await().atMost(DELIVERY).until(() -> requests().size() >= expected);
        List<LoggedRequest> received = requests();
        assertThat(received).hasSize(expected);
        return received;
    }

    private List<LoggedRequest> requests() {
        return pendula.findAll(postRequestedFor(urlEqualTo(flowPath)));
    }

    private static JsonNode read(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new AssertionError("Pendula received a body that is not JSON", e);
        }
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TestSettings.ADMIN_TOKEN)
                .contentType(ContentType.JSON);
    }
}
