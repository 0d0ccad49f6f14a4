package dev.audiencerelay.ingest;

import static dev.audiencerelay.ingest.SegmentEvents.audienceKey;
import static dev.audiencerelay.ingest.SegmentEvents.identify;
import static dev.audiencerelay.ingest.SegmentEvents.json;
import static dev.audiencerelay.ingest.SegmentEvents.state;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.audiencerelay.support.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Any one of the four Segment credentials opens ingest; nothing else does. */
@QuarkusTest
class SegmentAuthTest {

    private String audience;
    private String body;

    @BeforeEach
    void freshEvent() {
        audience = audienceKey();
        body = json(identify(audience, "u-1", true, "2024-05-01T10:00:00Z"));
    }

    @Test
    void validSignatureOfTheRawBodyIsAccepted() {
        accepted(request().header("X-Signature", sign(body, TestSettings.SHARED_SECRET)));
    }

    @Test
    void basicWithAWriteKeyAsUserNameIsAccepted() {
        accepted(request().auth().preemptive().basic(TestSettings.SECOND_WRITE_KEY, ""));
    }

    @Test
    void bearerWriteKeyIsAccepted() {
        accepted(request().header("Authorization", "Bearer " + TestSettings.WRITE_KEY));
    }

    @Test
    void writeKeyInTheBodyIsAccepted() {
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("batch", List.of(identify(audience, "u-1", true, "2024-05-01T10:00:00Z")));
        batch.put("writeKey", TestSettings.WRITE_KEY);
        body = json(batch);
        accepted(request());
    }

    @Test
    void wrongSignatureIs401() {
        refused(request().header("X-Signature", sign(body, "not-the-secret")));
    }

    @Test
    void signatureOfAnotherBodyIs401() {
        refused(request().header("X-Signature", sign(body + " ", TestSettings.SHARED_SECRET)));
    }

    @Test
    void unknownWriteKeyIs401InEveryPlace() {
        refused(request().header("Authorization", "Bearer unknown-key"));
        refused(request().auth().preemptive().basic("unknown-key", ""));
        Map<String, Object> withKey = new LinkedHashMap<>(Map.of("batch", List.of()));
        withKey.put("writeKey", "unknown-key");
        body = json(withKey);
        refused(request());
    }

    @Test
    void noCredentialsIs401() {
        refused(request());
    }

    @Test
    void adminTokenDoesNotOpenIngest() {
        refused(request().header("Authorization", "Bearer " + TestSettings.ADMIN_TOKEN));
    }

    @Test
    void malformedJsonWithoutCredentialsIs401NotADescriptionOfTheBody() {
        body = "{not json";
        refused(request());
    }

    private RequestSpecification request() {
        return given().contentType("application/json");
    }

    private void accepted(RequestSpecification request) {
        request.body(body).post("/segment").then().statusCode(200).body("recorded", equalTo(1));
        assertThat(state(audience, "u-1")).isEqualTo("MEMBER");
    }

    private void refused(RequestSpecification request) {
        request.body(body)
                .post("/segment")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Basic"))
                .body("status", equalTo(401))
                .body("detail", containsString("credentials"));
        assertThat(state(audience, "u-1")).isNull();
    }

    static String sign(String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
