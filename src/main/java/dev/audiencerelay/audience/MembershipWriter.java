package dev.audiencerelay.audience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.audiencerelay.audience.MembershipEvent.MembershipKey;
import dev.audiencerelay.campaign.MemberEntry;
import dev.audiencerelay.campaign.TriggerWriter;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies enters and exits to the membership table and writes the triggers they cause, inside the
 * caller's transaction, with a fixed number of statements whatever the number of events.
 *
 * <p>Per membership, events are applied in timestamp order; an event older than the last one
 * applied changes nothing. Each transition into MEMBER increments {@code entry_count}.
 */
@ApplicationScoped
public class MembershipWriter {

    private static final String LOCK_EXISTING = """
            select m.id, m.audience_key, m.profile_key, m.user_id, m.email, m.anonymous_id, m.state,
                   m.traits::text, m.entered_at, m.exited_at, m.entry_count, m.last_event_at, m.last_message_id
            from membership m
            join unnest(?::text[], ?::text[]) as k(audience_key, profile_key)
              on m.audience_key = k.audience_key and m.profile_key = k.profile_key
            order by m.id
            for update of m
            """;

    // A concurrent insert of the same membership by another instance fails this statement with a
    // unique violation; the caller then retries, and the retry finds and locks the row.
    private static final String INSERT_NEW = """
            insert into membership (audience_key, profile_key, user_id, email, anonymous_id, state, traits,
                                    entered_at, exited_at, entry_count, last_event_at, last_message_id)
            select audience_key, profile_key, user_id, email, anonymous_id, state, traits::jsonb,
                   entered_at::timestamptz, exited_at::timestamptz, entry_count, last_event_at::timestamptz,
                   last_message_id
            from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::text[], ?::text[], ?::int[], ?::text[], ?::text[])
                   as v(audience_key, profile_key, user_id, email, anonymous_id, state, traits,
                        entered_at, exited_at, entry_count, last_event_at, last_message_id)
            """;

    private static final String UPDATE_EXISTING = """
            update membership m
            set user_id = v.user_id, email = v.email, anonymous_id = v.anonymous_id, state = v.state,
                traits = v.traits::jsonb, entered_at = v.entered_at::timestamptz,
                exited_at = v.exited_at::timestamptz, entry_count = v.entry_count,
                last_event_at = v.last_event_at::timestamptz, last_message_id = v.last_message_id,
                updated_at = now()
            from unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::text[], ?::int[], ?::text[], ?::text[])
                   as v(id, user_id, email, anonymous_id, state, traits, entered_at, exited_at,
                        entry_count, last_event_at, last_message_id)
            where m.id = v.id
            """;

    private final ObjectMapper mapper;
    private final TriggerWriter triggerWriter;

    MembershipWriter(ObjectMapper mapper, TriggerWriter triggerWriter) {
        this.mapper = mapper;
        this.triggerWriter = triggerWriter;
    }

    /**
     * Applies the events (none of them seen before) and writes the triggers of every applied enter.
     *
     * @return how many new triggers were written
     */
    public int apply(Connection connection, List<MembershipEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        Map<MembershipKey, List<MembershipEvent>> byMembership = groupInTimestampOrder(events);
        Map<MembershipKey, MemberState> existing = lockExisting(connection, byMembership.keySet());

        List<MemberState> created = new ArrayList<>();
        List<MemberState> changed = new ArrayList<>();
        List<MemberEntry> entries = new ArrayList<>();
        byMembership.forEach((key, membershipEvents) -> {
            MemberState state = existing.get(key);
            boolean isNew = state == null;
            if (isNew) {
                state = MemberState.empty(key, mapper.createObjectNode());
            }
            boolean anyApplied = false;
            for (MembershipEvent event : membershipEvents) {
                if (state.apply(event)) {
                    anyApplied = true;
                    if (event.entered()) {
                        entries.add(state.toEntry());
                    }
                }
            }
            if (isNew) {
                created.add(state);
            } else if (anyApplied) {
                changed.add(state);
            }
        });

        insertNew(connection, created);
        updateExisting(connection, changed);
        return triggerWriter.writeTriggers(connection, entries);
    }

    private static Map<MembershipKey, List<MembershipEvent>> groupInTimestampOrder(List<MembershipEvent> events) {
        Map<MembershipKey, List<MembershipEvent>> byMembership = new LinkedHashMap<>();
        for (MembershipEvent event : events) {
            byMembership.computeIfAbsent(event.key(), key -> new ArrayList<>()).add(event);
        }
        // A stable sort: events with the same timestamp keep the order they arrived in.
        byMembership.values().forEach(list -> list.sort(Comparator.comparing(MembershipEvent::occurredAt)));
        return byMembership;
    }

    private Map<MembershipKey, MemberState> lockExisting(Connection connection, Iterable<MembershipKey> keys)
            throws SQLException {
        List<String> audienceKeys = new ArrayList<>();
        List<String> profileKeys = new ArrayList<>();
        keys.forEach(key -> {
            audienceKeys.add(key.audienceKey());
            profileKeys.add(key.profileKey());
        });
        Map<MembershipKey, MemberState> found = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(LOCK_EXISTING)) {
            select.setArray(1, connection.createArrayOf("text", audienceKeys.toArray()));
            select.setArray(2, connection.createArrayOf("text", profileKeys.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    MemberState state = readState(rows);
                    found.put(state.key, state);
                }
            }
        }
        return found;
    }

    private MemberState readState(ResultSet rows) throws SQLException {
        MemberState state = MemberState.empty(
                new MembershipKey(rows.getString(2), rows.getString(3)), parseTraits(rows.getString(8)));
        state.id = rows.getLong(1);
        state.userId = rows.getString(4);
        state.email = rows.getString(5);
        state.anonymousId = rows.getString(6);
        state.state = MembershipState.valueOf(rows.getString(7));
        state.enteredAt = instant(rows, 9);
        state.exitedAt = instant(rows, 10);
        state.entryCount = rows.getInt(11);
        state.lastEventAt = instant(rows, 12);
        state.lastMessageId = rows.getString(13);
        return state;
    }

    private void insertNew(Connection connection, List<MemberState> created) throws SQLException {
        if (created.isEmpty()) {
            return;
        }
        // Key order, so that concurrent writers inserting the same new memberships wait for each
        // other instead of deadlocking.
        created.sort(Comparator.comparing((MemberState state) -> state.key.audienceKey())
                .thenComparing(state -> state.key.profileKey()));
        Columns columns = new Columns(created);
        try (PreparedStatement insert = connection.prepareStatement(INSERT_NEW)) {
            int p = 1;
            insert.setArray(p++, text(connection, created, s -> s.key.audienceKey()));
            insert.setArray(p++, text(connection, created, s -> s.key.profileKey()));
            p = columns.bind(connection, insert, p);
            insert.executeUpdate();
        }
    }

    private void updateExisting(Connection connection, List<MemberState> changed) throws SQLException {
        if (changed.isEmpty()) {
            return;
        }
        Columns columns = new Columns(changed);
        try (PreparedStatement update = connection.prepareStatement(UPDATE_EXISTING)) {
            update.setArray(
                    1,
                    connection.createArrayOf(
                            "int8", changed.stream().map(s -> s.id).toArray()));
            columns.bind(connection, update, 2);
            update.executeUpdate();
        }
    }

    private ObjectNode parseTraits(String json) {
        try {
            return json == null ? mapper.createObjectNode() : (ObjectNode) mapper.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            // The column is jsonb written by this class, so this only happens after a manual edit.
            return mapper.createObjectNode();
        }
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static java.sql.Array text(
            Connection connection, List<MemberState> states, java.util.function.Function<MemberState, Object> column)
            throws SQLException {
        return connection.createArrayOf("text", states.stream().map(column).toArray());
    }

    /** The columns that inserts and updates share, in the order both statements bind them. */
    private record Columns(List<MemberState> states) {

        int bind(Connection connection, PreparedStatement statement, int first) throws SQLException {
            int p = first;
            statement.setArray(p++, text(connection, states, s -> s.userId));
            statement.setArray(p++, text(connection, states, s -> s.email));
            statement.setArray(p++, text(connection, states, s -> s.anonymousId));
            statement.setArray(p++, text(connection, states, s -> s.state.name()));
            statement.setArray(p++, text(connection, states, s -> s.traits.toString()));
            statement.setArray(p++, text(connection, states, s -> asText(s.enteredAt)));
            statement.setArray(p++, text(connection, states, s -> asText(s.exitedAt)));
            statement.setArray(
                    p++,
                    connection.createArrayOf(
                            "int4", states.stream().map(s -> s.entryCount).toArray()));
            statement.setArray(p++, text(connection, states, s -> asText(s.lastEventAt)));
            statement.setArray(p++, text(connection, states, s -> s.lastMessageId));
            return p;
        }

        private static String asText(Instant instant) {
            return instant == null ? null : instant.toString();
        }
    }

    /** A membership row being worked on in memory. */
    private static final class MemberState {
        final MembershipKey key;
        final ObjectNode traits;
        Long id;
        String userId;
        String email;
        String anonymousId;
        MembershipState state;
        Instant enteredAt;
        Instant exitedAt;
        int entryCount;
        Instant lastEventAt;
        String lastMessageId;

        private MemberState(MembershipKey key, ObjectNode traits) {
            this.key = key;
            this.traits = traits;
        }

        static MemberState empty(MembershipKey key, ObjectNode traits) {
            return new MemberState(key, traits);
        }

        /** Applies the event unless it is older than the last one applied; says whether it did. */
        boolean apply(MembershipEvent event) {
            if (lastEventAt != null && event.occurredAt().isBefore(lastEventAt)) {
                return false;
            }
            if (event.entered() && state != MembershipState.MEMBER) {
                state = MembershipState.MEMBER;
                enteredAt = event.occurredAt();
                exitedAt = null;
                entryCount++;
            } else if (!event.entered() && state != MembershipState.EXITED) {
                state = MembershipState.EXITED;
                exitedAt = event.occurredAt();
            }
            userId = event.userId() != null ? event.userId() : userId;
            email = event.email() != null ? event.email() : email;
            anonymousId = event.anonymousId() != null ? event.anonymousId() : anonymousId;
            if (event.traits() != null) {
                traits.setAll(event.traits());
            }
            lastEventAt = event.occurredAt();
            lastMessageId = event.messageId();
            return true;
        }

        MemberEntry toEntry() {
            return new MemberEntry(
                    key.audienceKey(), key.profileKey(), entryCount, userId, email, anonymousId, traits.deepCopy());
        }
    }
}
