package dev.audiencerelay.audience;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Map;

/**
 * One profile of an audience as the admin API shows it.
 *
 * @param entryCount how many times the profile entered the audience
 * @param lastEventAt timestamp of the last event applied to this membership
 */
@RegisterForReflection
public record MemberView(
        Long id,
        String profileKey,
        String userId,
        String email,
        String anonymousId,
        MembershipState state,
        Instant enteredAt,
        Instant exitedAt,
        int entryCount,
        Instant lastEventAt,
        Map<String, Object> traits) {

    static MemberView of(Membership membership) {
        return new MemberView(
                membership.id,
                membership.profileKey,
                membership.userId,
                membership.email,
                membership.anonymousId,
                membership.state,
                membership.enteredAt,
                membership.exitedAt,
                membership.entryCount,
                membership.lastEventAt,
                membership.traits);
    }
}
