package dev.audiencerelay.campaign;

/** ACTIVE and PAUSED move to each other; either moves to ENDED, which is final. */
public enum CampaignStatus {
    ACTIVE,
    PAUSED,
    ENDED;

    /** A live campaign still gets triggers written for new members. */
    public boolean isLive() {
        return this != ENDED;
    }
}
