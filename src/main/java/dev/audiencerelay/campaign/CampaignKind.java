package dev.audiencerelay.campaign;

/** Whether a campaign runs until ended by hand, or may also end by itself at {@code endsAt}. */
public enum CampaignKind {
    PERSISTENT,
    ONE_TIME
}
