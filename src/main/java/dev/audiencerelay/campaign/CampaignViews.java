package dev.audiencerelay.campaign;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds campaign answers with their trigger counts, one grouped query per page. */
@ApplicationScoped
class CampaignViews {

    private final EntityManager entityManager;

    CampaignViews(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Must run inside a transaction. */
    CampaignView of(Campaign campaign) {
        return of(List.of(campaign)).getFirst();
    }

    /** Must run inside a transaction. */
    List<CampaignView> of(List<Campaign> campaigns) {
        Map<Long, Map<TriggerStatus, Long>> counts =
                countTriggers(campaigns.stream().map(campaign -> campaign.id).toList());
        return campaigns.stream()
                .map(campaign -> CampaignView.of(campaign, counts.getOrDefault(campaign.id, zeroCounts())))
                .toList();
    }

    private Map<Long, Map<TriggerStatus, Long>> countTriggers(List<Long> campaignIds) {
        Map<Long, Map<TriggerStatus, Long>> counts = new HashMap<>();
        if (campaignIds.isEmpty()) {
            return counts;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("select campaign_id, status, count(*) from flow_trigger"
                        + " where campaign_id in (:ids) group by campaign_id, status")
                .setParameter("ids", campaignIds)
                .getResultList();
        for (Object[] row : rows) {
            long campaignId = ((Number) row[0]).longValue();
            TriggerStatus status = TriggerStatus.valueOf((String) row[1]);
            counts.computeIfAbsent(campaignId, id -> zeroCounts()).put(status, ((Number) row[2]).longValue());
        }
        return counts;
    }

    private static Map<TriggerStatus, Long> zeroCounts() {
        Map<TriggerStatus, Long> counts = new EnumMap<>(TriggerStatus.class);
        for (TriggerStatus status : TriggerStatus.values()) {
            counts.put(status, 0L);
        }
        return counts;
    }
}
