package dev.audiencerelay.campaign;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/** Links one audience key to one destination. */
@Entity
@Table(name = "campaign")
public class Campaign extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String name;

    @Column(name = "audience_key", nullable = false)
    public String audienceKey;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "destination_id", nullable = false)
    public Destination destination;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public CampaignKind kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public CampaignStatus status;

    @Column(name = "ends_at")
    public Instant endsAt;

    @Column(name = "retrigger_on_reentry", nullable = false)
    public boolean retriggerOnReentry;

    @Column(name = "include_existing", nullable = false)
    public boolean includeExisting;

    /** Set when the service itself paused the campaign (e.g. Pendula rejected its token). */
    @Column(name = "paused_reason")
    public String pausedReason;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "ended_at")
    public Instant endedAt;

    /**
     * Not null while triggers for the members the audience already had at creation are still being
     * written: members with a larger membership id are still to do.
     */
    @Column(name = "existing_members_after_id")
    public Long existingMembersAfterId;
}
