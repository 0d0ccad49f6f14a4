package dev.audiencerelay.audience;

/** Whether a profile is in an audience now. */
public enum MembershipState {
    MEMBER,
    EXITED
}
