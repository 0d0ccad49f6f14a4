package dev.audiencerelay.campaign;

/** Where one outbox row stands. */
public enum TriggerStatus {
    /** Waiting to be sent, or waiting for its next attempt. */
    PENDING,
    /** Pendula accepted it. */
    DELIVERED,
    /** The dispatcher gave up; an operator may retry it. */
    FAILED,
    /** Its campaign ended before it was delivered. */
    CANCELLED
}
