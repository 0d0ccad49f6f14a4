package dev.audiencerelay.dispatch;

import dev.audiencerelay.campaign.OutboxSignal;
import dev.audiencerelay.campaign.TriggerStatus;
import dev.audiencerelay.web.Page;
import dev.audiencerelay.web.Problem;
import dev.audiencerelay.web.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Admin view of the outbox: list and inspect triggers with their attempts, retry failed ones. */
@Path("/admin/triggers")
@Produces(MediaType.APPLICATION_JSON)
public class TriggerResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final TriggerAdmin admin;
    private final OutboxSignal signal;

    TriggerResource(TriggerAdmin admin, OutboxSignal signal) {
        this.admin = admin;
        this.signal = signal;
    }

    /** Triggers by ascending id, optionally of one campaign and in one state; {@code after} is the cursor. */
    @GET
    public Page<TriggerView> listTriggers(
            @QueryParam("campaignId") String campaignId,
            @QueryParam("status") String status,
            @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        Violations violations = new Violations();
        TriggerAdmin.Filter filter = new TriggerAdmin.Filter(
                violations.positiveLong("campaignId", campaignId),
                violations.status(status),
                violations.positiveLong("after", after),
                violations.limit(limit));
        violations.throwIfAny();

        TriggerAdmin.Slice slice = admin.list(filter);
        String next = slice.more()
                ? Long.toString(slice.items().get(slice.items().size() - 1).id())
                : null;
        return new Page<>(slice.items(), next);
    }

    @GET
    @Path("/{id}")
    public TriggerView getTrigger(@PathParam("id") String id) {
        long triggerId = pathId(id);
        return admin.find(triggerId).orElseThrow(() -> ProblemException.notFound("No trigger has id " + triggerId));
    }

    /** Puts a FAILED trigger back in the outbox with a fresh attempt budget; 409 in any other state. */
    @POST
    @Path("/{id}/retry")
    public TriggerView retryTrigger(@PathParam("id") String id) {
        TriggerView retried = admin.retry(pathId(id));
        signal.triggersCommitted();
        return retried;
    }

    private static long pathId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ProblemException.notFound("No trigger has id " + id);
        }
    }

    /** Collects every invalid query parameter, so one answer lists them all. */
    private static final class Violations {

        private final List<Problem.Violation> found = new ArrayList<>();

        Long positiveLong(String name, String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                long parsed = Long.parseLong(value.strip());
                if (parsed > 0) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            found.add(new Problem.Violation(name, "query", "must be a positive whole number"));
            return null;
        }

        TriggerStatus status(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                return TriggerStatus.valueOf(value.strip().toUpperCase());
            } catch (IllegalArgumentException e) {
                String allowed =
                        Arrays.stream(TriggerStatus.values()).map(Enum::name).collect(Collectors.joining(", "));
                found.add(new Problem.Violation("status", "query", "must be one of " + allowed));
                return null;
            }
        }

        int limit(String value) {
            if (value == null || value.isBlank()) {
                return DEFAULT_LIMIT;
            }
            try {
                int parsed = Integer.parseInt(value.strip());
                if (parsed >= 1 && parsed <= MAX_LIMIT) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            found.add(new Problem.Violation("limit", "query", "must be a whole number from 1 to " + MAX_LIMIT));
            return DEFAULT_LIMIT;
        }

        void throwIfAny() {
            if (!found.isEmpty()) {
                String fields = found.stream().map(Problem.Violation::field).collect(Collectors.joining(", "));
                throw new ProblemException(400, "Bad Request", "The request is invalid: " + fields, found, Map.of());
            }
        }
    }
}
