package dev.audiencerelay.campaign;

import dev.audiencerelay.web.DatabaseFailures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The scheduled side of campaigns: ends one-time campaigns whose {@code endsAt} has come, exactly
 * like {@code POST .../end}, and finishes writing existing members' triggers that a crash or an
 * outage interrupted. Safe with several instances: each campaign is handled under its row lock and
 * re-checked there.
 */
@ApplicationScoped
public class CampaignHousekeeping {

    private static final Logger LOG = Logger.getLogger(CampaignHousekeeping.class);

    private final CampaignLifecycle lifecycle;
    private final ExistingMembersBackfill backfill;
    private final CampaignsConfig config;
    private final Clock clock;

    CampaignHousekeeping(
            CampaignLifecycle lifecycle, ExistingMembersBackfill backfill, CampaignsConfig config, Clock clock) {
        this.lifecycle = lifecycle;
        this.backfill = backfill;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(
            identity = "campaign-housekeeping",
            every = "${relay.campaigns.end-check-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void runScheduled() {
        endDueCampaigns();
        finishExistingMembers();
    }

    /** Ends every live campaign whose {@code endsAt} is not after now; returns how many it ended. */
    int endDueCampaigns() {
        Instant now = clock.instant();
        int ended = 0;
        for (long id : dueCampaigns(now)) {
            try {
                ended += lifecycle.endIfDue(id, now).isPresent() ? 1 : 0;
            } catch (RuntimeException e) {
                LOG.warnf(
                        "Could not end campaign %d at its endsAt: %s; will try again in %s",
                        id, DatabaseFailures.summary(e), config.endCheckInterval());
            }
        }
        return ended;
    }

    private void finishExistingMembers() {
        for (long id : unfinishedBackfills()) {
            try {
                backfill.run(id);
            } catch (RuntimeException e) {
                LOG.warnf(
                        "Could not finish writing triggers for existing members of campaign %d: %s;"
                                + " will continue from where it stopped in %s",
                        id, DatabaseFailures.summary(e), config.endCheckInterval());
            }
        }
    }

    private List<Long> dueCampaigns(Instant now) {
        try {
            return QuarkusTransaction.requiringNew()
                    .call(
                            () -> Campaign.<Campaign>list(
                                            "status <> ?1 and endsAt <= ?2 order by endsAt", CampaignStatus.ENDED, now)
                                    .stream()
                                    .map(campaign -> campaign.id)
                                    .toList());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Could not look for campaigns to end: %s; will look again in %s",
                    DatabaseFailures.summary(e), config.endCheckInterval());
            return List.of();
        }
    }

    private List<Long> unfinishedBackfills() {
        try {
            return backfill.unfinished();
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Could not look for unfinished existing-member triggers: %s; will look again in %s",
                    DatabaseFailures.summary(e), config.endCheckInterval());
            return List.of();
        }
    }
}
