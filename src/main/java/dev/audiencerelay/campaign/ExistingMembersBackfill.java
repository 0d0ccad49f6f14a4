package dev.audiencerelay.campaign;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Writes a trigger for every current member of a campaign's audience ({@code includeExistingMembers}).
 * Members are taken in membership id order, a bounded batch per transaction, and the campaign row
 * remembers how far it got, so a million members never need one huge transaction and a crash
 * resumes where it stopped. The unique (campaign, profile, entry) constraint makes every batch safe
 * to repeat and safe against ingest writing the same member's trigger at the same time.
 */
@ApplicationScoped
public class ExistingMembersBackfill {

    private static final Logger LOG = Logger.getLogger(ExistingMembersBackfill.class);

    /**
     * One batch: the payload follows the trigger contract (audienceKey, profileKey, userId, email,
     * anonymousId, traits), taken from the membership row as it is now.
     */
    private static final String WRITE_BATCH = """
            with batch as (
                select id, audience_key, profile_key, user_id, email, anonymous_id, traits, entry_count
                from membership
                where audience_key = :audienceKey and state = 'MEMBER' and id > :afterId
                order by id
                limit :batchSize
            ), written as (
                insert into flow_trigger (campaign_id, profile_key, entry_number, payload)
                select :campaignId, profile_key,
                       case when :retrigger then greatest(entry_count, 1) else 1 end,
                       jsonb_build_object(
                           'audienceKey', audience_key, 'profileKey', profile_key, 'userId', user_id,
                           'email', email, 'anonymousId', anonymous_id, 'traits', traits)
                from batch
                order by id
                on conflict do nothing
                returning 1
            )
            select (select count(*) from batch), (select max(id) from batch), (select count(*) from written)
            """;

    private final EntityManager entityManager;
    private final OutboxSignal outbox;
    private final CampaignsConfig config;

    ExistingMembersBackfill(EntityManager entityManager, OutboxSignal outbox, CampaignsConfig config) {
        this.entityManager = entityManager;
        this.outbox = outbox;
        this.config = config;
    }

    /** Where a campaign's backfill stands, read under the campaign's row lock. */
    private record Progress(String name, String audienceKey, String status, Long afterId, boolean retrigger) {}

    /** The result of one batch. */
    private record Batch(String name, String audienceKey, long written, boolean done) {}

    /**
     * Writes the remaining batches of one campaign, signalling the outbox after each commit that
     * wrote triggers so delivery starts before the last batch. Returns the triggers written.
     */
    public long run(long campaignId) {
        long written = 0;
        Batch batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> writeNextBatch(campaignId));
            written += batch.written();
            if (batch.written() > 0) {
                outbox.triggersCommitted();
            }
        } while (!batch.done());
        if (batch.name() != null) {
            LOG.infof(
                    "Campaign '%s' (id %d): %d trigger(s) written for existing members of audience '%s'",
                    batch.name(), campaignId, written, batch.audienceKey());
        }
        return written;
    }

    /** Campaigns whose backfill is unfinished, e.g. because the process stopped during one. */
    List<Long> unfinished() {
        return QuarkusTransaction.requiringNew()
                .call(() -> entityManager
                        .createNativeQuery(
                                "select id from campaign where existing_members_after_id is not null order by id",
                                Long.class)
                        .getResultList());
    }

    private Batch writeNextBatch(long campaignId) {
        Progress progress = lockProgress(campaignId);
        if (progress == null || progress.afterId() == null) {
            return new Batch(null, null, 0, true);
        }
        if (progress.status().equals(CampaignStatus.ENDED.name())) {
            saveProgress(campaignId, null);
            return new Batch(progress.name(), progress.audienceKey(), 0, true);
        }

        Object[] result = (Object[]) entityManager
                .createNativeQuery(WRITE_BATCH)
                .setParameter("audienceKey", progress.audienceKey())
                .setParameter("afterId", progress.afterId())
                .setParameter("batchSize", config.existingMembersBatchSize())
                .setParameter("campaignId", campaignId)
                .setParameter("retrigger", progress.retrigger())
                .getSingleResult();
        long selected = ((Number) result[0]).longValue();
        long written = ((Number) result[2]).longValue();

        boolean done = selected < config.existingMembersBatchSize();
        saveProgress(campaignId, done ? null : ((Number) result[1]).longValue());
        return new Batch(progress.name(), progress.audienceKey(), written, done);
    }

    /**
     * Locks the campaign row against lifecycle moves (an end waits for this batch, and this batch
     * sees an end that committed first) without blocking ingest's foreign-key checks.
     */
    private Progress lockProgress(long campaignId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("select name, audience_key, status, existing_members_after_id, retrigger_on_reentry"
                        + " from campaign where id = ?1 for no key update")
                .setParameter(1, campaignId)
                .getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] row = rows.getFirst();
        Long afterId = row[3] == null ? null : ((Number) row[3]).longValue();
        return new Progress((String) row[0], (String) row[1], (String) row[2], afterId, (Boolean) row[4]);
    }

    private void saveProgress(long campaignId, Long afterId) {
        var update = afterId == null
                ? entityManager.createNativeQuery("update campaign set existing_members_after_id = null where id = ?1")
                : entityManager
                        .createNativeQuery("update campaign set existing_members_after_id = ?2 where id = ?1")
                        .setParameter(2, afterId);
        update.setParameter(1, campaignId).executeUpdate();
    }
}
