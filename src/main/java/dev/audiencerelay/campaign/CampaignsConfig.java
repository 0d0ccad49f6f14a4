package dev.audiencerelay.campaign;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Campaign housekeeping done by the scheduler. */
@ConfigMapping(prefix = "relay.campaigns")
public interface CampaignsConfig {

    /**
     * How often the scheduler ends one-time campaigns whose {@code endsAt} has come, and finishes
     * writing triggers for existing members that a crash interrupted. Default {@code 10s}, so a
     * campaign ends at most this long after its {@code endsAt}. {@code off} disables both.
     */
    @WithDefault("10s")
    String endCheckInterval();

    /**
     * Members per transaction when a campaign with {@code includeExistingMembers} writes triggers
     * for the audience's current members. Default {@code 5000}: large enough to be quick, small
     * enough that no transaction holds locks or WAL for long.
     */
    @WithDefault("5000")
    int existingMembersBatchSize();
}
