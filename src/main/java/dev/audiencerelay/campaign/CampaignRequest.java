package dev.audiencerelay.campaign;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * The body of {@code POST /admin/campaigns}.
 *
 * @param endsAt only for {@code ONE_TIME} campaigns, and not in the past: the scheduler ends the
 *     campaign then
 * @param includeExistingMembers write a trigger for everyone already in the audience (default false)
 * @param retriggerOnReentry allow one more trigger each time a member exits and enters again
 *     (default false)
 */
@RegisterForReflection
public record CampaignRequest(
        @NotBlank @Size(max = 200) String name,

        @NotBlank
        @Size(max = 255)
        @Pattern(
                regexp = "[a-z0-9][a-z0-9_]*",
                message = "must be a snake_case Segment audience key, e.g. vip_churn_risk")
        String audienceKey,

        @NotNull @Positive Long destinationId,
        @NotNull CampaignKind kind,
        Instant endsAt,
        Boolean includeExistingMembers,
        Boolean retriggerOnReentry) {

    boolean includesExistingMembers() {
        return Boolean.TRUE.equals(includeExistingMembers);
    }

    boolean retriggersOnReentry() {
        return Boolean.TRUE.equals(retriggerOnReentry);
    }
}
