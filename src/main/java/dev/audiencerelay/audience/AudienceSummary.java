package dev.audiencerelay.audience;

import dev.audiencerelay.campaign.CampaignStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * One audience key Segment has told us about.
 *
 * @param members profiles in the audience now
 * @param exited profiles that were in it and left
 * @param lastEventAt the latest event timestamp applied to any of its memberships
 * @param campaigns every campaign on this audience key, ended ones included
 */
@RegisterForReflection
public record AudienceSummary(
        String audienceKey, long members, long exited, Instant lastEventAt, List<CampaignRef> campaigns) {

    /** A campaign on the audience, enough to find it under {@code /admin/campaigns}. */
    @RegisterForReflection
    public record CampaignRef(Long id, String name, CampaignStatus status) {}
}
