package dev.audiencerelay.campaign;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The answer of {@code retry-failed}: how many FAILED triggers went back to PENDING. */
@RegisterForReflection
public record RetriedTriggers(long campaignId, int retried) {}
