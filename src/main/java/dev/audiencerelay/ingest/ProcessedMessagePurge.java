package dev.audiencerelay.ingest;

import dev.audiencerelay.web.DatabaseFailures;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Forgets Segment message ids older than {@code relay.segment.processed-messages.retention}
 * (default 7 days), so the table that makes redeliveries harmless does not grow forever. Segment
 * retries for at most 4 hours, so an id that old will not come back. Deletes in small batches, each
 * its own short transaction, so ingest never waits behind a long purge.
 */
@ApplicationScoped
public class ProcessedMessagePurge {

    private static final Logger LOG = Logger.getLogger(ProcessedMessagePurge.class);

    private static final String DELETE_BATCH = """
            delete from processed_message
            where message_id in (
                select message_id from processed_message
                where received_at < ?
                order by received_at
                limit ?)
            """;

    private final DataSource dataSource;
    private final IngestConfig config;
    private final Clock clock;

    ProcessedMessagePurge(DataSource dataSource, IngestConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(
            identity = "processed-message-purge",
            every = "${relay.segment.processed-messages.purge-interval:15m}",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeOnSchedule() {
        try {
            purge();
        } catch (SQLException e) {
            LOG.warnf(
                    "Could not purge old Segment message ids (%s); will try again at the next run",
                    DatabaseFailures.summary(e));
        }
    }

    /**
     * Deletes every message id received before the retention window.
     *
     * @return how many ids were deleted
     */
    public int purge() throws SQLException {
        Instant cutoff = clock.instant().minus(config.processedMessages().retention());
        int batchSize = config.processedMessages().purgeBatchSize();
        int total = 0;
        int deleted;
        do {
            deleted = deleteBatch(cutoff, batchSize);
            total += deleted;
        } while (deleted == batchSize);
        if (total > 0) {
            LOG.debugf("Purged %d Segment message ids received before %s", total, cutoff);
        }
        return total;
    }

    private int deleteBatch(Instant cutoff, int batchSize) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement(DELETE_BATCH)) {
            delete.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
            delete.setInt(2, batchSize);
            return delete.executeUpdate();
        }
    }
}
