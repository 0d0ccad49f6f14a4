package dev.audiencerelay.ingest;

import dev.audiencerelay.audience.MembershipEvent;
import dev.audiencerelay.audience.MembershipWriter;
import dev.audiencerelay.campaign.OutboxSignal;
import dev.audiencerelay.web.DatabaseFailures;
import dev.audiencerelay.web.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Commits the events of concurrent ingest requests together. Requests wait in a queue; a few writer
 * threads each take every request waiting (up to a number of events), record them in a single
 * transaction with a fixed number of statements, and only then complete each request. While one
 * group commits, the next one gathers, so the busier the service the larger the groups; with more
 * than one writer a group is written while another waits for its commit to be flushed.
 *
 * <p>Writers running side by side are safe for the same reasons several instances are: membership
 * rows are locked in id order, an older event never overrides a newer one, and two groups inserting
 * one new membership or message id are ordered by the unique constraints.
 *
 * <p>If a group fails for a reason other than a database outage (a bad row, a deadlock with another
 * instance), each of its requests is retried alone, so one bad request cannot fail the others.
 */
@ApplicationScoped
public class GroupCommitter {

    private static final Logger LOG = Logger.getLogger(GroupCommitter.class);

    private static final String REMEMBER_MESSAGE_IDS = """
            insert into processed_message (message_id)
            select unnest(?::text[])
            on conflict (message_id) do nothing
            returning message_id
            """;

    private final DataSource dataSource;
    private final MembershipWriter membershipWriter;
    private final OutboxSignal outboxSignal;
    private final IngestMetrics metrics;
    private final int maxGroupEvents;
    private final int writerCount;
    private final BlockingQueue<Submission> queue;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean stopping;

    GroupCommitter(
            DataSource dataSource,
            MembershipWriter membershipWriter,
            OutboxSignal outboxSignal,
            IngestMetrics metrics,
            IngestConfig config) {
        this.dataSource = dataSource;
        this.membershipWriter = membershipWriter;
        this.outboxSignal = outboxSignal;
        this.metrics = metrics;
        this.maxGroupEvents = config.groupCommit().maxEvents();
        this.writerCount = Math.max(1, config.groupCommit().writers());
        this.queue = new LinkedBlockingQueue<>(config.groupCommit().maxQueuedRequests());
    }

    /**
     * Queues the events of one request for the next group commit.
     *
     * @return completes with the number of events that were duplicates once the events are
     *     committed, or fails with the reason they could not be
     */
    public CompletionStage<Integer> submit(List<MembershipEvent> events) {
        Submission submission = new Submission(events, new CompletableFuture<>());
        if (stopping) {
            submission.done().completeExceptionally(unavailable("The service is shutting down; retry later"));
        } else if (!queue.offer(submission)) {
            LOG.warnf(
                    "Ingest queue is full (%d requests waiting); answering 503 so Segment retries later", queue.size());
            submission.done().completeExceptionally(unavailable("Ingest is saturated; retry later"));
        }
        return submission.done();
    }

    void start(@Observes StartupEvent event) {
        for (int i = 1; i <= writerCount; i++) {
            writers.add(Thread.ofPlatform()
                    .name("segment-ingest-writer-" + i)
                    .daemon()
                    .start(this::run));
        }
        LOG.infof("Segment ingest started %d writers (up to %d events per transaction)", writerCount, maxGroupEvents);
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping = true;
        // The writers finish every request already queued before they exit.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread writer : writers) {
            writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        LOG.info("Segment ingest writers stopped");
    }

    private void run() {
        Submission carried = null;
        while (!(stopping && queue.isEmpty() && carried == null)) {
            try {
                Submission first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                if (first != null) {
                    List<Submission> group = new ArrayList<>();
                    carried = takeGroup(first, group);
                    commitGroup(group);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Never let a writer die: the failed group's requests were already answered.
                LOG.errorf(e, "Segment ingest writer hit an unexpected failure; it carries on with the next group");
            }
        }
    }

    /**
     * Fills {@code group} with {@code first} and the requests waiting after it, up to the event limit.
     *
     * @return a request taken from the queue that did not fit, to start this writer's next group
     */
    private Submission takeGroup(Submission first, List<Submission> group) {
        group.add(first);
        int events = first.events().size();
        Submission next;
        while ((next = queue.poll()) != null) {
            if (events + next.events().size() > maxGroupEvents) {
                return next;
            }
            group.add(next);
            events += next.events().size();
        }
        return null;
    }

    private void commitGroup(List<Submission> group) {
        try {
            List<Integer> duplicates = commit(group);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).done().complete(duplicates.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            if (DatabaseFailures.isUnavailable(e)) {
                LOG.warnf(
                        "Database unavailable, %d ingest requests answered 503 so Segment retries them: %s",
                        group.size(), DatabaseFailures.summary(e));
                group.forEach(submission -> submission.done().completeExceptionally(e));
                return;
            }
            LOG.warnf(
                    "A group of %d ingest requests failed (%s); retrying each request on its own",
                    group.size(), DatabaseFailures.summary(e));
            group.forEach(this::commitAlone);
        }
    }

    private void commitAlone(Submission submission) {
        try {
            submission.done().complete(commit(List.of(submission)).get(0));
        } catch (SQLException | RuntimeException e) {
            if (!DatabaseFailures.isUnavailable(e)) {
                LOG.errorf(
                        "An ingest request of %d events could not be recorded (%s); it is answered 500"
                                + " and Segment will retry it",
                        submission.events().size(), DatabaseFailures.summary(e));
            }
            submission.done().completeExceptionally(e);
        }
    }

    /** Records the group in one transaction; returns each request's number of duplicates. */
    private List<Integer> commit(List<Submission> group) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Set<String> fresh = rememberMessageIds(connection, group);
                List<MembershipEvent> toApply = new ArrayList<>();
                List<Integer> duplicates = new ArrayList<>(group.size());
                for (Submission submission : group) {
                    int repeated = 0;
                    for (MembershipEvent event : submission.events()) {
                        // Removing makes a second copy of one id in this group a duplicate too.
                        if (fresh.remove(event.messageId())) {
                            toApply.add(event);
                        } else {
                            repeated++;
                        }
                    }
                    duplicates.add(repeated);
                }
                int triggers = membershipWriter.apply(connection, toApply);
                connection.commit();
                metrics.committed(group.size());
                if (triggers > 0) {
                    outboxSignal.triggersCommitted();
                }
                return duplicates;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
    }

    private static Set<String> rememberMessageIds(Connection connection, List<Submission> group) throws SQLException {
        // Sorted, so that concurrent writers meeting the same ids (Segment retries) never deadlock.
        Set<String> ids = new TreeSet<>();
        group.forEach(submission -> submission.events().forEach(event -> ids.add(event.messageId())));
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement insert = connection.prepareStatement(REMEMBER_MESSAGE_IDS)) {
            insert.setArray(1, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    inserted.add(rows.getString(1));
                }
            }
        }
        return inserted;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debugf("Rollback after a failed ingest group also failed: %s", e.getMessage());
        }
    }

    private static ProblemException unavailable(String detail) {
        return new ProblemException(503, "Service Unavailable", detail, List.of(), Map.of("Retry-After", "5"));
    }

    private record Submission(List<MembershipEvent> events, CompletableFuture<Integer> done) {}
}
