package dev.audiencerelay.campaign;

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

/** One Pendula flow trigger. The token is only ever held encrypted here. */
@Entity
@Table(name = "destination")
public class Destination extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String name;

    @Column(name = "flow_url", nullable = false)
    public String flowUrl;

    @Enumerated(EnumType.STRING)
    @Column(name = "auth_scheme", nullable = false)
    public AuthScheme authScheme;

    @Column(name = "tenant_id")
    public String tenantId;

    @Column(name = "token_ciphertext", nullable = false)
    public byte[] tokenCiphertext;

    @Column(name = "token_last_four", nullable = false)
    public String tokenLastFour;

    @Column(name = "custom_context")
    public String customContext;

    @Column(name = "rate_limit_per_second", nullable = false)
    public int rateLimitPerSecond;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Set when an operator deleted it; the row stays because ended campaigns still refer to it. */
    @Column(name = "deleted_at")
    public Instant deletedAt;
}
