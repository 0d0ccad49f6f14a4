package dev.audiencerelay.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes the PENDING triggers for profiles that entered an audience: one per live (ACTIVE or
 * PAUSED) campaign on that audience. The unique key (campaign, profile, entry number) makes a
 * repeated enter harmless; a campaign that re-triggers on re-entry numbers its triggers by the
 * membership's entry count, every other campaign always uses entry number 1.
 *
 * <p>The caller owns the transaction and must call {@link OutboxSignal#triggersCommitted()} after
 * committing when {@link #writeTriggers} reported at least one new trigger.
 */
@ApplicationScoped
public class TriggerWriter {

    // One statement for all entries: the campaigns are joined in SQL, so a large group of enters
    // costs one round trip whatever the number of campaigns. "for share of c" orders this insert
    // with a concurrent end (which locks the campaign row for update): either the end waits and
    // then cancels these triggers, or this statement waits and sees the campaign ENDED.
    private static final String INSERT_TRIGGERS = """
            insert into flow_trigger (campaign_id, profile_key, entry_number, payload)
            select c.id, e.profile_key,
                   case when c.retrigger_on_reentry then e.entry_count else 1 end,
                   e.payload::jsonb
            from unnest(?::text[], ?::text[], ?::int[], ?::text[])
                   as e(audience_key, profile_key, entry_count, payload)
            join campaign c on c.audience_key = e.audience_key and c.status in ('ACTIVE', 'PAUSED')
            order by c.id, e.profile_key
            for share of c
            on conflict (campaign_id, profile_key, entry_number) do nothing
            """;

    private final ObjectMapper mapper;

    TriggerWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Inserts the triggers for these entries inside the caller's transaction.
     *
     * @return how many new triggers were written (repeats of existing ones are not counted)
     */
    public int writeTriggers(Connection connection, List<MemberEntry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return 0;
        }
        int size = entries.size();
        String[] audienceKeys = new String[size];
        String[] profileKeys = new String[size];
        Integer[] entryCounts = new Integer[size];
        String[] payloads = new String[size];
        for (int i = 0; i < size; i++) {
            MemberEntry entry = entries.get(i);
            audienceKeys[i] = entry.audienceKey();
            profileKeys[i] = entry.profileKey();
            entryCounts[i] = entry.entryCount();
            payloads[i] = payload(entry);
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_TRIGGERS)) {
            insert.setArray(1, connection.createArrayOf("text", audienceKeys));
            insert.setArray(2, connection.createArrayOf("text", profileKeys));
            insert.setArray(3, connection.createArrayOf("int4", entryCounts));
            insert.setArray(4, connection.createArrayOf("text", payloads));
            return insert.executeUpdate();
        }
    }

    /** The payload contract read by the dispatcher: ids, audience key and traits, nulls kept. */
    private String payload(MemberEntry entry) {
        ObjectNode payload = mapper.createObjectNode();
        payload.put("audienceKey", entry.audienceKey());
        payload.put("profileKey", entry.profileKey());
        payload.put("userId", entry.userId());
        payload.put("email", entry.email());
        payload.put("anonymousId", entry.anonymousId());
        payload.set("traits", entry.traits() == null ? mapper.createObjectNode() : entry.traits());
        return payload.toString();
    }
}
