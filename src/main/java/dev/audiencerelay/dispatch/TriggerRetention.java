package dev.audiencerelay.dispatch;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Deletes DELIVERED and CANCELLED triggers older than {@code relay.dispatch.retention}, with their
 * attempts (by cascade), in small transactions so the outbox is never locked for long. FAILED and
 * PENDING triggers are kept: they still need a human or a send.
 */
@ApplicationScoped
public class TriggerRetention {

    private static final Logger LOG = Logger.getLogger(TriggerRetention.class);

    private static final String PURGE_BATCH = """
            delete from flow_trigger
            where id in (
                select id from flow_trigger
                where status in ('DELIVERED', 'CANCELLED')
                  and updated_at < now() - ? * interval '1 second'
                limit ?
                for update skip locked)
            """;

    private final DataSource dataSource;
    private final DispatchConfig config;

    TriggerRetention(DataSource dataSource, DispatchConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    @Scheduled(
            every = "${relay.dispatch.purge-interval:1h}",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "dispatch-retention")
    void scheduledPurge() {
        try {
            purge();
        } catch (RuntimeException e) {
            LOG.warnf("Purging old triggers failed (%s); will try again in %s", e.getMessage(), config.purgeInterval());
        }
    }

    /** Purges batch after batch until none is left; answers how many triggers were deleted. */
    long purge() {
        long total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(this::purgeBatch);
            total += deleted;
        } while (deleted == config.purgeBatchSize());
        if (total > 0) {
            LOG.infof("Purged %d delivered or cancelled trigger(s) older than %s", total, config.retention());
        }
        return total;
    }

    private int purgeBatch() throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(PURGE_BATCH)) {
            statement.setLong(1, config.retention().toSeconds());
            statement.setInt(2, config.purgeBatchSize());
            return statement.executeUpdate();
        }
    }
}
