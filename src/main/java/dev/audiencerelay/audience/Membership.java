package dev.audiencerelay.audience;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One profile in one audience, with the last event that was applied to it. */
@Entity
@Table(name = "membership")
public class Membership extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "audience_key", nullable = false)
    public String audienceKey;

    @Column(name = "profile_key", nullable = false)
    public String profileKey;

    @Column(name = "user_id")
    public String userId;

    public String email;

    @Column(name = "anonymous_id")
    public String anonymousId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public MembershipState state;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> traits;

    @Column(name = "entered_at")
    public Instant enteredAt;

    @Column(name = "exited_at")
    public Instant exitedAt;

    /** How many times the profile entered; campaigns that re-trigger on re-entry key on it. */
    @Column(name = "entry_count", nullable = false)
    public int entryCount;

    @Column(name = "last_event_at", nullable = false)
    public Instant lastEventAt;

    @Column(name = "last_message_id", nullable = false)
    public String lastMessageId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
