package dev.audiencerelay.campaign;

import dev.audiencerelay.web.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Pause, resume, end and retry-failed. Every move locks the campaign row first, so it is serialised
 * with the other moves, the scheduler, and the writing of existing members' triggers; the
 * dispatcher only claims triggers of ACTIVE campaigns and ingest only writes them for live ones.
 *
 * <p>Asking for the state a campaign is already in (pause a paused one, resume an active one, end
 * an ended one) changes nothing and answers it as it is. Moving an ended campaign anywhere is a 409.
 */
@ApplicationScoped
public class CampaignLifecycle {

    /** Micrometer name of the counter of lifecycle changes, tagged with {@code action}. */
    static final String METER = "relay.campaign.lifecycle";

    private static final Logger LOG = Logger.getLogger(CampaignLifecycle.class);

    private final EntityManager entityManager;
    private final CampaignViews views;
    private final OutboxSignal outbox;
    private final MeterRegistry meters;
    private final Clock clock;

    CampaignLifecycle(
            EntityManager entityManager, CampaignViews views, OutboxSignal outbox, MeterRegistry meters, Clock clock) {
        this.entityManager = entityManager;
        this.views = views;
        this.outbox = outbox;
        this.meters = meters;
        this.clock = clock;
    }

    /** The outcome of one move: the campaign after it, and whether anything changed. */
    private record Move(CampaignView campaign, boolean changed, int triggers) {}

    public CampaignView pause(long id, String requestedBy) {
        Move move = QuarkusTransaction.requiringNew().call(() -> {
            Campaign campaign = lock(id);
            refuseIfEnded(campaign, "paused");
            if (campaign.status == CampaignStatus.PAUSED) {
                return new Move(views.of(campaign), false, 0);
            }
            campaign.status = CampaignStatus.PAUSED;
            campaign.updatedAt = now();
            return new Move(views.of(campaign), true, 0);
        });
        if (move.changed()) {
            record(
                    "pause",
                    "Campaign '%s' (id %d) paused by %s; its triggers are held until it is resumed",
                    move,
                    requestedBy);
        }
        return move.campaign();
    }

    /** Clears the reason the service paused it for, and wakes the dispatcher for the backlog. */
    public CampaignView resume(long id, String requestedBy) {
        Move move = QuarkusTransaction.requiringNew().call(() -> {
            Campaign campaign = lock(id);
            refuseIfEnded(campaign, "resumed");
            if (campaign.status == CampaignStatus.ACTIVE) {
                return new Move(views.of(campaign), false, 0);
            }
            campaign.status = CampaignStatus.ACTIVE;
            campaign.pausedReason = null;
            campaign.updatedAt = now();
            return new Move(views.of(campaign), true, 0);
        });
        if (move.changed()) {
            outbox.triggersCommitted();
            record(
                    "resume",
                    "Campaign '%s' (id %d) resumed by %s; its pending triggers will be sent",
                    move,
                    requestedBy);
        }
        return move.campaign();
    }

    /** Ends the campaign for good; its pending triggers are cancelled in the same transaction. */
    public CampaignView end(long id, String requestedBy) {
        Move move = QuarkusTransaction.requiringNew().call(() -> endLocked(lock(id)));
        if (move.changed()) {
            record("end", "Campaign '%s' (id %d) ended by %s; %d pending trigger(s) cancelled", move, requestedBy);
        }
        return move.campaign();
    }

    /**
     * Ends a one-time campaign whose {@code endsAt} has come; empty when it was already ended or its
     * end moved, e.g. by another instance's scheduler.
     */
    Optional<CampaignView> endIfDue(long id, Instant now) {
        Move move = QuarkusTransaction.requiringNew().call(() -> {
            Campaign campaign = lock(id);
            boolean due = campaign.status.isLive() && campaign.endsAt != null && !campaign.endsAt.isAfter(now);
            return due ? endLocked(campaign) : new Move(views.of(campaign), false, 0);
        });
        if (!move.changed()) {
            return Optional.empty();
        }
        record(
                "end",
                "Campaign '%s' (id %d) ended by %s; %d pending trigger(s) cancelled",
                move,
                "the scheduler at endsAt");
        return Optional.of(move.campaign());
    }

    /** Puts the campaign's FAILED triggers back to PENDING with a fresh attempt budget. */
    public RetriedTriggers retryFailed(long id, String requestedBy) {
        Move move = QuarkusTransaction.requiringNew().call(() -> {
            Campaign campaign = lock(id);
            if (campaign.status == CampaignStatus.ENDED) {
                throw ProblemException.conflict(
                        "campaign '" + campaign.name + "' has ended, so its failed triggers can no longer be sent");
            }
            int retried = entityManager
                    .createNativeQuery("update flow_trigger set status = 'PENDING', attempt_count = 0,"
                            + " next_attempt_at = now(), lease_owner = null, lease_until = null, updated_at = now()"
                            + " where campaign_id = ?1 and status = 'FAILED'")
                    .setParameter(1, id)
                    .executeUpdate();
            return new Move(views.of(campaign), retried > 0, retried);
        });
        if (move.changed()) {
            outbox.triggersCommitted();
            record(
                    "retry_failed",
                    "Campaign '%s' (id %d): failed triggers put back to pending by %s: %d trigger(s)",
                    move,
                    requestedBy);
        }
        return new RetriedTriggers(id, move.triggers());
    }

    private Move endLocked(Campaign campaign) {
        if (campaign.status == CampaignStatus.ENDED) {
            return new Move(views.of(campaign), false, 0);
        }
        Instant now = now();
        campaign.status = CampaignStatus.ENDED;
        campaign.endedAt = now;
        campaign.updatedAt = now;
        // Nothing more is written for an ended campaign, including members it had not reached yet.
        campaign.existingMembersAfterId = null;
        int cancelled = entityManager
                .createNativeQuery("update flow_trigger set status = 'CANCELLED', lease_owner = null,"
                        + " lease_until = null, updated_at = now() where campaign_id = ?1 and status = 'PENDING'")
                .setParameter(1, campaign.id)
                .executeUpdate();
        return new Move(views.of(campaign), true, cancelled);
    }

    private static Campaign lock(long id) {
        Campaign campaign = Campaign.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (campaign == null) {
            throw ProblemException.notFound("campaign " + id + " does not exist");
        }
        return campaign;
    }

    private static void refuseIfEnded(Campaign campaign, String move) {
        if (campaign.status == CampaignStatus.ENDED) {
            throw ProblemException.conflict(
                    "campaign '" + campaign.name + "' has ended and cannot be " + move + "; ENDED is final");
        }
    }

    /** Logs and counts a committed change; the message takes name, id, requester and trigger count. */
    private void record(String action, String message, Move move, String requestedBy) {
        LOG.infof(message, move.campaign().name(), move.campaign().id(), requestedBy, move.triggers());
        meters.counter(METER, "action", action).increment();
    }

    /** PostgreSQL keeps microseconds: answers show the time as it will read back. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
