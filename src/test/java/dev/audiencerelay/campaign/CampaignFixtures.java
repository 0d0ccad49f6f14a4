package dev.audiencerelay.campaign;

import static io.restassured.RestAssured.given;

import dev.audiencerelay.support.TestDatabase;
import dev.audiencerelay.support.TestSettings;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Admin API calls and rows the campaign and audience tests need. Every name it makes is unique,
 * because all tests of a run share one database.
 */
public final class CampaignFixtures {

    private CampaignFixtures() {}

    /** A request with the admin token and a JSON body type. */
    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TestSettings.ADMIN_TOKEN)
                .contentType(ContentType.JSON);
    }

    /** A snake_case name no other test uses, e.g. {@code vip_3f2a9c01b7d4}. */
    public static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static Map<String, Object> destinationBody(String name, String token) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("flowUrl", "http://127.0.0.1:9/webhook/" + name);
        body.put("authScheme", "BEARER");
        body.put("token", token);
        return body;
    }

    public static long createDestination() {
        return createDestination(unique("dest"), "tok-" + UUID.randomUUID());
    }

    public static long createDestination(String name, String token) {
        return admin().body(destinationBody(name, token))
                .post("/admin/destinations")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getLong("id");
    }

    public static Map<String, Object> campaignBody(String name, String audienceKey, long destinationId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("audienceKey", audienceKey);
        body.put("destinationId", destinationId);
        body.put("kind", "PERSISTENT");
        return body;
    }

    public static long createCampaign(String audienceKey) {
        return createCampaign(campaignBody(unique("campaign"), audienceKey, createDestination()));
    }

    public static long createCampaign(Map<String, Object> body) {
        return admin().body(body)
                .post("/admin/campaigns")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getLong("id");
    }

    /** A membership row as ingest would leave it; returns its id. */
    public static long insertMember(String audienceKey, String profileKey, String state, int entryCount) {
        return TestDatabase.queryLong(
                "insert into membership (audience_key, profile_key, user_id, email, anonymous_id, state, traits,"
                        + " entered_at, exited_at, entry_count, last_event_at, last_message_id)"
                        + " values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) returning id",
                audienceKey,
                profileKey,
                profileKey,
                profileKey + "@example.com",
                "anon-" + profileKey,
                state,
                "{\"firstName\": \"Ada\", \"plan\": \"gold\"}",
                OffsetDateTime.parse("2025-03-01T10:00:00Z"),
                state.equals("EXITED") ? OffsetDateTime.parse("2025-03-02T10:00:00Z") : null,
                entryCount,
                OffsetDateTime.parse("2025-03-02T10:00:00Z"),
                "msg-" + UUID.randomUUID());
    }

    /** A trigger row as ingest or the dispatcher would leave it; returns its id. */
    public static long insertTrigger(long campaignId, String profileKey, String status) {
        return TestDatabase.queryLong(
                "insert into flow_trigger (campaign_id, profile_key, status, payload, attempt_count)"
                        + " values (?, ?, ?, '{}'::jsonb, ?) returning id",
                campaignId,
                profileKey,
                status,
                status.equals("FAILED") ? 8 : 0);
    }

    public static String triggerStatus(long triggerId) {
        return queryString("select status from flow_trigger where id = ?", triggerId);
    }

    /** Runs a query that returns one text value (null when there is no row). */
    public static String queryString(String sql, Object... parameters) {
        try (Connection connection = TestDatabase.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Test query failed: " + sql, e);
        }
    }
}
