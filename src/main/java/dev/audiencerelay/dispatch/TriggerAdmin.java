package dev.audiencerelay.dispatch;

import dev.audiencerelay.campaign.Campaign;
import dev.audiencerelay.campaign.CampaignStatus;
import dev.audiencerelay.campaign.FlowTrigger;
import dev.audiencerelay.campaign.TriggerStatus;
import dev.audiencerelay.web.ProblemException;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads triggers with their attempts for the admin API, and puts failed ones back in the outbox. */
@ApplicationScoped
class TriggerAdmin {

    private final Clock clock;

    TriggerAdmin(Clock clock) {
        this.clock = clock;
    }

    /** A filter of the trigger list; null fields do not filter. */
    record Filter(Long campaignId, TriggerStatus status, Long afterId, int limit) {}

    /** One page by ascending id, plus whether more follow. */
    record Slice(List<TriggerView> items, boolean more) {}

    @Transactional
    Slice list(Filter filter) {
        StringBuilder query = new StringBuilder("id > :after");
        Parameters parameters = Parameters.with("after", filter.afterId() == null ? 0L : filter.afterId());
        if (filter.campaignId() != null) {
            query.append(" and campaignId = :campaignId");
            parameters.and("campaignId", filter.campaignId());
        }
        if (filter.status() != null) {
            query.append(" and status = :status");
            parameters.and("status", filter.status());
        }
        // range() is inclusive: one row more than the page tells whether another page follows.
        List<FlowTrigger> rows = FlowTrigger.<FlowTrigger>find(query + " order by id", parameters)
                .range(0, filter.limit())
                .list();
        boolean more = rows.size() > filter.limit();
        List<FlowTrigger> page = more ? rows.subList(0, filter.limit()) : rows;
        return new Slice(withAttempts(page), more);
    }

    @Transactional
    Optional<TriggerView> find(long id) {
        return FlowTrigger.<FlowTrigger>findByIdOptional(id)
                .map(trigger -> withAttempts(List.of(trigger)).get(0));
    }

    /** FAILED to PENDING with a fresh attempt budget, due now. */
    @Transactional
    TriggerView retry(long id) {
        FlowTrigger trigger = FlowTrigger.<FlowTrigger>findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> ProblemException.notFound("No trigger has id " + id));
        if (trigger.status != TriggerStatus.FAILED) {
            throw ProblemException.conflict(
                    "Trigger " + id + " is " + trigger.status + "; only a FAILED trigger can be retried");
        }
        Campaign campaign = Campaign.findById(trigger.campaignId);
        if (campaign.status == CampaignStatus.ENDED) {
            throw ProblemException.conflict(
                    "Trigger " + id + " belongs to campaign " + trigger.campaignId + ", which has ended");
        }
        Instant now = clock.instant();
        trigger.status = TriggerStatus.PENDING;
        trigger.attemptCount = 0;
        trigger.nextAttemptAt = now;
        trigger.leaseOwner = null;
        trigger.leaseUntil = null;
        trigger.updatedAt = now;
        trigger.flush();
        return withAttempts(List.of(trigger)).get(0);
    }

    private List<TriggerView> withAttempts(List<FlowTrigger> triggers) {
        if (triggers.isEmpty()) {
            return List.of();
        }
        List<Long> ids = triggers.stream().map(trigger -> trigger.id).toList();
        Map<Long, List<TriggerView.Attempt>> attempts =
                DeliveryAttempt.<DeliveryAttempt>list("triggerId in ?1 order by id", ids).stream()
                        .collect(Collectors.groupingBy(
                                attempt -> attempt.triggerId,
                                Collectors.mapping(
                                        attempt -> new TriggerView.Attempt(
                                                attempt.attemptedAt,
                                                attempt.statusCode,
                                                attempt.durationMs,
                                                attempt.error),
                                        Collectors.toList())));
        List<TriggerView> views = new ArrayList<>();
        for (FlowTrigger trigger : triggers) {
            views.add(new TriggerView(
                    trigger.id,
                    trigger.campaignId,
                    trigger.profileKey,
                    trigger.status.name(),
                    trigger.attemptCount,
                    trigger.nextAttemptAt,
                    trigger.lastError,
                    trigger.createdAt,
                    trigger.deliveredAt,
                    attempts.getOrDefault(trigger.id, List.of())));
        }
        return views;
    }
}
