package dev.audiencerelay.dispatch;

import dev.audiencerelay.campaign.TestTokenCipher;
import dev.audiencerelay.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Test data for the dispatcher, written with SQL because the campaign admin API is another
 * feature. Every name is unique, since all tests of a run share one database.
 */
final class Outbox {

    private Outbox() {}

    static long bearerDestination(String flowUrl, String token, String customContext, int ratePerSecond) {
        return TestDatabase.queryLong(
                """
                insert into destination (name, flow_url, auth_scheme, token_ciphertext, token_last_four,
                                         custom_context, rate_limit_per_second)
                values (?, ?, 'BEARER', ?, ?, ?, ?) returning id
                """,
                "dest-" + UUID.randomUUID(),
                flowUrl,
                TestTokenCipher.encrypt(token),
                lastFour(token),
                customContext,
                ratePerSecond);
    }

    static long basicDestination(String flowUrl, String tenantId, String token) {
        return TestDatabase.queryLong(
                """
                insert into destination (name, flow_url, auth_scheme, tenant_id, token_ciphertext, token_last_four)
                values (?, ?, 'BASIC', ?, ?, ?) returning id
                """, "dest-" + UUID.randomUUID(), flowUrl, tenantId, TestTokenCipher.encrypt(token), lastFour(token));
    }

    /** A PERSISTENT campaign in the given state ('ACTIVE' or 'PAUSED'); its name is returned by {@link #name}. */
    static long campaign(long destinationId, String status) {
        return TestDatabase.queryLong(
                """
                insert into campaign (name, audience_key, destination_id, kind, status)
                values (?, ?, ?, 'PERSISTENT', ?) returning id
                """,
                "campaign-" + UUID.randomUUID(),
                "aud_" + UUID.randomUUID().toString().replace("-", ""),
                destinationId,
                status);
    }

    static String name(long campaignId) {
        return queryText("select name from campaign where id = ?", campaignId);
    }

    static String audienceKey(long campaignId) {
        return queryText("select audience_key from campaign where id = ?", campaignId);
    }

    /** A due pending trigger whose payload carries the given traits (a JSON object). */
    static long trigger(long campaignId, String profileKey, String email, String traitsJson) {
        String payload = """
                {"audienceKey": "%s", "profileKey": "%s", "userId": "%s", "email": %s,
                 "anonymousId": null, "traits": %s}
                """.formatted(
                        audienceKey(campaignId),
                        profileKey,
                        profileKey,
                        email == null ? "null" : "\"" + email + "\"",
                        traitsJson);
        return TestDatabase.queryLong(
                "insert into flow_trigger (campaign_id, profile_key, payload) values (?, ?, ?::jsonb) returning id",
                campaignId,
                profileKey,
                payload);
    }

    /** Many due pending triggers in one statement, so they are all due at the same moment. */
    static void triggers(long campaignId, int count) {
        TestDatabase.update("""
                insert into flow_trigger (campaign_id, profile_key, payload)
                select ?, 'user-' || n, jsonb_build_object('audienceKey', ?::text, 'profileKey', 'user-' || n,
                       'userId', 'user-' || n, 'traits', '{}'::jsonb)
                from generate_series(1, ?) n
                """, campaignId, audienceKey(campaignId), count);
    }

    static String status(long triggerId) {
        return queryText("select status from flow_trigger where id = ?", triggerId);
    }

    static long attempts(long triggerId) {
        return TestDatabase.queryLong("select count(*) from delivery_attempt where trigger_id = ?", triggerId);
    }

    static long countWithStatus(long campaignId, String status) {
        return TestDatabase.queryLong(
                "select count(*) from flow_trigger where campaign_id = ? and status = ?", campaignId, status);
    }

    /** Runs a query that returns one text value. */
    static String queryText(String sql, Object... parameters) {
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

    private static String lastFour(String token) {
        return token.substring(Math.max(0, token.length() - 4));
    }
}
