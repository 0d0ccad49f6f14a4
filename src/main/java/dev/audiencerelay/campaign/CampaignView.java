package dev.audiencerelay.campaign;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Map;

/**
 * A campaign as the admin API shows it.
 *
 * @param pausedReason why the service itself paused the campaign; null when an operator paused it
 *     or it is not paused
 * @param existingMembersPending true while triggers for the audience's existing members are still
 *     being written
 * @param counts triggers per state; all four states are always present
 */
@RegisterForReflection
public record CampaignView(
        Long id,
        String name,
        String audienceKey,
        Long destinationId,
        CampaignKind kind,
        CampaignStatus status,
        Instant endsAt,
        boolean retriggerOnReentry,
        boolean includeExistingMembers,
        boolean existingMembersPending,
        String pausedReason,
        Instant createdAt,
        Instant updatedAt,
        Instant endedAt,
        Map<TriggerStatus, Long> counts) {

    static CampaignView of(Campaign campaign, Map<TriggerStatus, Long> counts) {
        return new CampaignView(
                campaign.id,
                campaign.name,
                campaign.audienceKey,
                campaign.destination.id,
                campaign.kind,
                campaign.status,
                campaign.endsAt,
                campaign.retriggerOnReentry,
                campaign.includeExisting,
                campaign.existingMembersAfterId != null,
                campaign.pausedReason,
                campaign.createdAt,
                campaign.updatedAt,
                campaign.endedAt,
                counts);
    }
}
