package dev.audiencerelay.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The dispatcher's SQL on the outbox. Every method is one short transaction; every change to a
 * claimed trigger is guarded by its lease owner, so an instance whose lease was taken over can no
 * longer change the trigger.
 */
@ApplicationScoped
class TriggerStore {

    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

    /**
     * Due pending triggers of active campaigns that nobody holds (or whose holder's lease ran out),
     * oldest due first. Candidates are read per active campaign from the (campaign, due time) index,
     * so a paused campaign's backlog costs nothing; the lease conditions are repeated on the locked
     * row because PostgreSQL re-checks only those after waiting for a concurrent claim. SKIP LOCKED
     * lets instances claim side by side without waiting on each other.
     */
    private static final String CLAIM = """
            with due as (
                select t.id
                from flow_trigger t
                where t.id in (
                    select candidate.id
                    from campaign c
                    cross join lateral (
                        select p.id
                        from flow_trigger p
                        where p.campaign_id = c.id
                          and p.status = 'PENDING'
                          and p.next_attempt_at <= now()
                          and (p.lease_until is null or p.lease_until < now())
                        order by p.next_attempt_at, p.id
                        limit ?
                    ) candidate
                    where c.status = 'ACTIVE')
                  and t.status = 'PENDING'
                  and t.next_attempt_at <= now()
                  and (t.lease_until is null or t.lease_until < now())
                order by t.next_attempt_at, t.id
                limit ?
                for update of t skip locked
            ), claimed as (
                update flow_trigger t
                set lease_owner = ?, lease_until = now() + ? * interval '1 millisecond'
                from due
                where t.id = due.id
                returning t.id, t.campaign_id, t.attempt_count, t.payload
            )
            select cl.id, cl.campaign_id, cl.attempt_count, cl.payload::text, c.name,
                   d.id, d.flow_url, d.auth_scheme, d.tenant_id, d.token_ciphertext, d.custom_context,
                   d.rate_limit_per_second
            from claimed cl
            join campaign c on c.id = cl.campaign_id
            join destination d on d.id = c.destination_id
            order by cl.id
            """;

    private static final String RELEASE = """
            update flow_trigger
            set lease_owner = null, lease_until = null,
                next_attempt_at = greatest(next_attempt_at, coalesce(?, next_attempt_at))
            where id = any(?) and lease_owner = ?
            """;

    private static final String INSERT_ATTEMPT = """
            insert into delivery_attempt (trigger_id, attempted_at, status_code, duration_ms, error)
            values (?, ?, ?, ?, ?)
            """;

    private static final String UPDATE_TRIGGER = """
            update flow_trigger
            set status = ?, attempt_count = ?, last_error = ?,
                next_attempt_at = now() + ? * interval '1 millisecond',
                delivered_at = case when ? = 'DELIVERED' then now() else delivered_at end,
                lease_owner = null, lease_until = null, updated_at = now()
            where id = ? and lease_owner = ?
            """;

    private static final String COUNT_AUTH_FAILURE = """
            insert into destination_dispatch_state as s (destination_id, auth_failures) values (?, 1)
            on conflict (destination_id) do update set auth_failures = s.auth_failures + 1
            returning s.auth_failures
            """;

    private static final String PAUSE_CAMPAIGNS = """
            update campaign set status = 'PAUSED', paused_reason = ?, updated_at = now()
            where destination_id = ? and status = 'ACTIVE'
            returning name
            """;

    private final DataSource dataSource;
    private final ObjectMapper json;

    TriggerStore(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** Leases up to {@code limit} due triggers to {@code owner} and commits the lease. */
    List<ClaimedTrigger> claim(String owner, int limit, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement(CLAIM)) {
                statement.setInt(1, limit);
                statement.setInt(2, limit);
                statement.setString(3, owner);
                statement.setLong(4, lease.toMillis());
                List<ClaimedTrigger> claimed = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        claimed.add(toClaimedTrigger(rows));
                    }
                }
                return claimed;
            }
        });
    }

    /**
     * Gives triggers back unsent, so any instance may claim them again.
     *
     * @param notBefore when they may be claimed again at the earliest, or null for as soon as due
     */
    void release(String owner, Collection<Long> triggerIds, Instant notBefore) {
        if (triggerIds.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement(RELEASE)) {
                statement.setObject(1, notBefore == null ? null : OffsetDateTime.ofInstant(notBefore, ZoneOffset.UTC));
                statement.setArray(2, connection.createArrayOf("bigint", triggerIds.toArray(Long[]::new)));
                statement.setString(3, owner);
                statement.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("Could not release triggers " + triggerIds, e);
            }
        });
    }

    /**
     * Records one attempt and the trigger's new state in one transaction, and for a credentials
     * rejection counts it against the destination.
     */
    Recorded record(
            String owner,
            ClaimedTrigger trigger,
            Instant attemptedAt,
            PendulaAnswer answer,
            RetryPolicy.Decision decision,
            int authFailuresBeforePause) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                insertAttempt(connection, trigger.id(), attemptedAt, answer);
                boolean stateWritten = updateTrigger(connection, owner, trigger.id(), decision);
                List<String> paused = List.of();
                if (decision.verdict() == RetryPolicy.Verdict.AUTH_REJECTED) {
                    paused = countAuthFailure(connection, trigger.target(), answer, authFailuresBeforePause);
                } else if (decision.verdict() == RetryPolicy.Verdict.DELIVERED) {
                    resetAuthFailures(connection, trigger.target().destinationId());
                }
                return new Recorded(stateWritten, paused);
            }
        });
    }

    /**
     * @param stateWritten false when the lease had passed to another instance, which now owns the state
     * @param pausedCampaigns names of the campaigns this attempt paused
     */
    record Recorded(boolean stateWritten, List<String> pausedCampaigns) {}

    private static void insertAttempt(Connection connection, long triggerId, Instant attemptedAt, PendulaAnswer answer)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_ATTEMPT)) {
            statement.setLong(1, triggerId);
            statement.setObject(2, OffsetDateTime.ofInstant(attemptedAt, ZoneOffset.UTC));
            if (answer.statusCode() == null) {
                statement.setNull(3, Types.INTEGER);
            } else {
                statement.setInt(3, answer.statusCode());
            }
            statement.setInt(4, (int) Math.min(Integer.MAX_VALUE, answer.durationMs()));
            statement.setString(5, answer.error());
            statement.executeUpdate();
        }
    }

    private static boolean updateTrigger(
            Connection connection, String owner, long triggerId, RetryPolicy.Decision decision) throws SQLException {
        String status = decision.verdict() == RetryPolicy.Verdict.DELIVERED
                ? "DELIVERED"
                : decision.verdict() == RetryPolicy.Verdict.FAILED ? "FAILED" : "PENDING";
        try (PreparedStatement statement = connection.prepareStatement(UPDATE_TRIGGER)) {
            statement.setString(1, status);
            statement.setInt(2, decision.attemptCount());
            statement.setString(3, decision.lastError());
            statement.setLong(4, decision.delay().toMillis());
            statement.setString(5, status);
            statement.setLong(6, triggerId);
            statement.setString(7, owner);
            return statement.executeUpdate() == 1;
        }
    }

    private static List<String> countAuthFailure(
            Connection connection, ClaimedTrigger.Target target, PendulaAnswer answer, int threshold)
            throws SQLException {
        int failures;
        try (PreparedStatement statement = connection.prepareStatement(COUNT_AUTH_FAILURE)) {
            statement.setLong(1, target.destinationId());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                failures = rows.getInt(1);
            }
        }
        if (failures < threshold) {
            return List.of();
        }
        resetAuthFailures(connection, target.destinationId());
        String reason = "Pendula rejected the destination's credentials (HTTP " + answer.statusCode() + ") " + failures
                + " times in a row; fix the destination's token and resume the campaign";
        List<String> paused = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(PAUSE_CAMPAIGNS)) {
            statement.setString(1, reason);
            statement.setLong(2, target.destinationId());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    paused.add(rows.getString(1));
                }
            }
        }
        return paused;
    }

    private static void resetAuthFailures(Connection connection, long destinationId) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("update destination_dispatch_state set auth_failures = 0"
                        + " where destination_id = ? and auth_failures > 0")) {
            statement.setLong(1, destinationId);
            statement.executeUpdate();
        }
    }

    private ClaimedTrigger toClaimedTrigger(ResultSet rows) throws SQLException {
        ClaimedTrigger.Target target = new ClaimedTrigger.Target(
                rows.getLong(6),
                rows.getString(7),
                rows.getString(8),
                rows.getString(9),
                rows.getBytes(10),
                rows.getString(11),
                rows.getInt(12));
        return new ClaimedTrigger(
                rows.getLong(1), rows.getLong(2), rows.getString(5), rows.getInt(3), parse(rows.getString(4)), target);
    }

    private Map<String, Object> parse(String payload) {
        try {
            return json.readValue(payload, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            // jsonb is always valid JSON; a payload that is not an object is a writer's bug, and sending the
            // trigger without member fields beats blocking every claim behind it.
            return Map.of();
        }
    }
}
