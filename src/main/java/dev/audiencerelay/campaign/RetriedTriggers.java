package dev.audiencerelay.campaign;

/** The answer of {@code retry-failed}: how many FAILED triggers went back to PENDING. */
public record RetriedTriggers(long campaignId, int retried) {}
