package dev.audiencerelay.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.audiencerelay.audience.MembershipEvent;
import dev.audiencerelay.web.Problem;
import dev.audiencerelay.web.ProblemException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Where Segment delivers events: Webhooks (Actions and Classic) post to {@code /segment}; Segment's
 * own libraries use the HTTP Tracking API paths under {@code /v1}. Every path accepts the same
 * credentials and answers with an {@link IngestReport} once the events are committed. The answer
 * is asynchronous: no HTTP thread waits for the database.
 */
@Path("/")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class SegmentResource {

    private static final Logger LOG = Logger.getLogger(SegmentResource.class);

    private final IngestConfig config;
    private final SegmentAuthenticator authenticator;
    private final SegmentBodyParser parser;
    private final SegmentEventReader reader;
    private final GroupCommitter committer;
    private final IngestMetrics metrics;

    SegmentResource(
            IngestConfig config,
            SegmentAuthenticator authenticator,
            SegmentBodyParser parser,
            SegmentEventReader reader,
            GroupCommitter committer,
            IngestMetrics metrics) {
        this.config = config;
        this.authenticator = authenticator;
        this.parser = parser;
        this.reader = reader;
        this.committer = committer;
        this.metrics = metrics;
    }

    /** One event, a JSON array of events, or {@code {"batch":[...]}}. */
    @POST
    @Path("segment")
    public CompletionStage<IngestReport> segment(byte[] body, @BeanParam SegmentHeaders headers) {
        return ingest(new Request(body, headers), null, false);
    }

    /** The Tracking API batch of analytics-node and friends. */
    @POST
    @Path("v1/batch")
    public CompletionStage<IngestReport> batch(byte[] body, @BeanParam SegmentHeaders headers) {
        return ingest(new Request(body, headers), null, false);
    }

    /** The Tracking API import path of analytics-java; same body as a batch. */
    @POST
    @Path("v1/import")
    public CompletionStage<IngestReport> importBatch(byte[] body, @BeanParam SegmentHeaders headers) {
        return ingest(new Request(body, headers), null, false);
    }

    /** One identify; {@code type} may be left out. */
    @POST
    @Path("v1/identify")
    public CompletionStage<IngestReport> identify(byte[] body, @BeanParam SegmentHeaders headers) {
        return ingest(new Request(body, headers), "identify", true);
    }

    /** One track; {@code type} may be left out. */
    @POST
    @Path("v1/track")
    public CompletionStage<IngestReport> track(byte[] body, @BeanParam SegmentHeaders headers) {
        return ingest(new Request(body, headers), "track", true);
    }

    private CompletionStage<IngestReport> ingest(Request request, String defaultType, boolean singleOnly) {
        long start = System.nanoTime();
        SegmentBody body = authenticatedBody(request);
        if (singleOnly && !body.single()) {
            throw ProblemException.badRequest("This path takes one event; post arrays and batches to /v1/batch");
        }
        Classified classified = classify(body, request.body().length, defaultType);
        if (body.single() && !classified.rejected().isEmpty()) {
            metrics.rejected(1);
            throw invalidEvent(
                    classified.rejectedFields().get(0),
                    classified.rejected().get(0).reason());
        }
        if (!classified.rejected().isEmpty()) {
            LOG.infof(
                    "Rejected %d of %d events posted to the ingest API; first: [%d] %s",
                    classified.rejected().size(),
                    body.events().size(),
                    classified.rejected().get(0).index(),
                    classified.rejected().get(0).reason());
        }
        CompletionStage<IngestReport> committed = classified.memberships().isEmpty()
                ? CompletableFuture.completedFuture(classified.report(0))
                : committer.submit(classified.memberships()).thenApply(classified::report);
        return answer(committed, start);
    }

    private SegmentBody authenticatedBody(Request request) {
        requireJson(request.contentType());
        if (request.body().length > config.maxBodyBytes()) {
            throw new ProblemException(
                    413,
                    "Content Too Large",
                    "The body has " + request.body().length + " bytes; at most " + config.maxBodyBytes()
                            + " are accepted");
        }
        boolean headersProve = authenticator.byHeaders(request.body(), request.signature(), request.authorization());
        SegmentBody body;
        try {
            body = parser.parse(request.body());
        } catch (ProblemException e) {
            // A stranger learns nothing about the body: without credentials every answer is 401.
            throw headersProve ? e : unauthorized();
        }
        if (!headersProve && !authenticator.byBodyWriteKey(body)) {
            throw unauthorized();
        }
        return body;
    }

    private Classified classify(SegmentBody body, int bodyBytes, String defaultType) {
        Classified classified = new Classified(body.events().size());
        for (int index = 0; index < body.events().size(); index++) {
            JsonNode event = body.events().get(index);
            int size = parser.sizeOf(event, bodyBytes);
            ReadEvent read = size > config.maxEventBytes()
                    ? new ReadEvent.Rejected(
                            "", "the event has " + size + " bytes; at most " + config.maxEventBytes() + " are accepted")
                    : reader.read(event, defaultType);
            classified.add(index, read);
        }
        return classified;
    }

    private CompletionStage<IngestReport> answer(CompletionStage<IngestReport> committed, long start) {
        CompletableFuture<IngestReport> answer = new CompletableFuture<>();
        // The writer thread completes the commit; the answer is written back on the request's own
        // event loop so the writer goes straight on to the next group.
        Context requestContext = Vertx.currentContext();
        committed.whenComplete((report, failure) -> {
            if (requestContext != null && Vertx.currentContext() != requestContext) {
                requestContext.runOnContext(ignored -> finish(answer, report, failure, start));
            } else {
                finish(answer, report, failure, start);
            }
        });
        return answer;
    }

    private void finish(CompletableFuture<IngestReport> answer, IngestReport report, Throwable failure, long start) {
        metrics.latency(start);
        if (failure != null) {
            // Unwrapped, so the problem mappers see the database failure itself and answer 503.
            answer.completeExceptionally(
                    failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure);
        } else {
            metrics.report(report);
            answer.complete(report);
        }
    }

    private static void requireJson(String contentType) {
        String type =
                contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
            throw new ProblemException(
                    415, "Unsupported Media Type", "The body must be JSON sent as Content-Type: application/json");
        }
    }

    private static ProblemException invalidEvent(String field, String reason) {
        List<Problem.Violation> violations =
                field.isEmpty() ? List.of() : List.of(new Problem.Violation(field, "body", reason));
        return new ProblemException(400, "Bad Request", "The event is invalid: " + reason, violations, Map.of());
    }

    private static ProblemException unauthorized() {
        return new ProblemException(
                401,
                "Unauthorized",
                "Segment credentials are missing or wrong: send X-Signature, Basic or Bearer with a write key,"
                        + " or writeKey in the body",
                List.of(),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"audience-relay segment\""));
    }

    private record Request(byte[] body, String contentType, String signature, String authorization) {
        Request {
            body = body == null ? new byte[0] : body;
        }

        Request(byte[] body, SegmentHeaders headers) {
            this(body, headers.contentType, headers.signature, headers.authorization);
        }
    }

    /** The events of one request sorted into memberships to record, ignored and rejected ones. */
    private static final class Classified {
        private final int received;
        private final List<MembershipEvent> memberships = new ArrayList<>();
        private final List<IngestReport.Rejection> rejected = new ArrayList<>();
        private final List<String> rejectedFields = new ArrayList<>();
        private int ignored;

        Classified(int received) {
            this.received = received;
        }

        void add(int index, ReadEvent read) {
            switch (read) {
                case ReadEvent.Membership membership -> memberships.add(membership.event());
                case ReadEvent.Ignored ignoredEvent -> ignored++;
                case ReadEvent.Rejected rejection -> {
                    rejected.add(new IngestReport.Rejection(index, rejection.reason()));
                    rejectedFields.add(rejection.field());
                }
            }
        }

        List<MembershipEvent> memberships() {
            return memberships;
        }

        List<IngestReport.Rejection> rejected() {
            return rejected;
        }

        List<String> rejectedFields() {
            return rejectedFields;
        }

        IngestReport report(int duplicates) {
            return new IngestReport(
                    received, memberships.size() - duplicates, duplicates, ignored, List.copyOf(rejected));
        }
    }
}
