package dev.audiencerelay.dispatch;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One POST of a trigger to Pendula, whatever came of it. */
@Entity
@Table(name = "delivery_attempt")
public class DeliveryAttempt extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "trigger_id", nullable = false)
    public Long triggerId;

    @Column(name = "attempted_at", nullable = false)
    public Instant attemptedAt;

    /** Null when no answer came back (timeout, connection refused). */
    @Column(name = "status_code")
    public Integer statusCode;

    @Column(name = "duration_ms", nullable = false)
    public int durationMs;

    public String error;
}
