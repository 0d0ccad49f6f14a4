package dev.audiencerelay.campaign;

import dev.audiencerelay.web.ListParams;
import dev.audiencerelay.web.Page;
import dev.audiencerelay.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Creates, changes and deletes destinations. Tokens are encrypted before they reach an entity and
 * never appear in a log line or an answer.
 */
@ApplicationScoped
public class DestinationAdmin {

    private static final Logger LOG = Logger.getLogger(DestinationAdmin.class);

    private final TokenCipher cipher;
    private final Clock clock;

    DestinationAdmin(TokenCipher cipher, Clock clock) {
        this.cipher = cipher;
        this.clock = clock;
    }

    @Transactional
    public DestinationView create(DestinationRequest request, String requestedBy) {
        if (request.token() == null) {
            throw Violations.invalidBody("token", "must not be null");
        }
        checkRules(request);
        requireFreeName(request.name(), null);

        Destination destination = new Destination();
        destination.createdAt = now();
        apply(request, destination);
        persistChecked(destination);

        LOG.infof("Destination '%s' (id %d) created by %s", destination.name, destination.id, requestedBy);
        return DestinationView.of(destination);
    }

    @Transactional
    public Page<DestinationView> list(ListParams params) {
        List<Destination> rows = Destination.<Destination>find(
                        "deletedAt is null and id > ?1 order by id", params.afterId())
                .page(0, params.fetchSize())
                .list();
        return params.page(
                rows.stream().map(DestinationView::of).toList(),
                view -> view.id().toString());
    }

    @Transactional
    public DestinationView get(long id) {
        return DestinationView.of(findLive(id, LockModeType.NONE));
    }

    @Transactional
    public DestinationView update(long id, DestinationRequest request, String requestedBy) {
        checkRules(request);
        Destination destination = findLive(id, LockModeType.PESSIMISTIC_WRITE);
        requireFreeName(request.name(), id);

        apply(request, destination);
        persistChecked(destination);

        LOG.infof("Destination '%s' (id %d) updated by %s", destination.name, destination.id, requestedBy);
        return DestinationView.of(destination);
    }

    /**
     * Hides the destination and erases its token. Refused while a live campaign uses it; the row
     * itself stays because ended campaigns keep pointing at it.
     */
    @Transactional
    public void delete(long id, String requestedBy) {
        Destination destination = findLive(id, LockModeType.PESSIMISTIC_WRITE);
        List<String> liveCampaigns = Campaign.<Campaign>find(
                        "destination.id = ?1 and status <> ?2 order by id", id, CampaignStatus.ENDED)
                .list()
                .stream()
                .map(campaign -> "'" + campaign.name + "'")
                .toList();
        if (!liveCampaigns.isEmpty()) {
            throw ProblemException.conflict("destination '" + destination.name + "' is used by live campaign(s) "
                    + String.join(", ", liveCampaigns) + "; end them first");
        }

        destination.deletedAt = now();
        destination.updatedAt = destination.deletedAt;
        destination.tokenCiphertext = new byte[0];
        LOG.infof("Destination '%s' (id %d) deleted by %s", destination.name, destination.id, requestedBy);
    }

    /**
     * The destination a new campaign will use, share-locked so that it cannot be deleted before
     * the campaign commits.
     */
    Destination findForNewCampaign(long id) {
        Destination destination = Destination.findById(id, LockModeType.PESSIMISTIC_READ);
        if (destination == null || destination.deletedAt != null) {
            throw Violations.invalidBody("destinationId", "destination " + id + " does not exist");
        }
        return destination;
    }

    private Destination findLive(long id, LockModeType lock) {
        Destination destination = Destination.findById(id, lock);
        if (destination == null || destination.deletedAt != null) {
            throw ProblemException.notFound("destination " + id + " does not exist");
        }
        return destination;
    }

    private void apply(DestinationRequest request, Destination destination) {
        destination.name = request.name().trim();
        destination.flowUrl = request.flowUrl().trim();
        destination.authScheme = request.authScheme();
        destination.tenantId = blankToNull(request.tenantId());
        destination.customContext = blankToNull(request.customContext());
        destination.rateLimitPerSecond = request.rateLimitOrDefault();
        if (request.token() != null) {
            destination.tokenCiphertext = cipher.encrypt(request.token());
            destination.tokenLastFour =
                    request.token().substring(request.token().length() - 4);
        }
        destination.updatedAt = now();
    }

    private static void checkRules(DestinationRequest request) {
        if (!isAbsoluteHttpUrl(request.flowUrl())) {
            throw Violations.invalidBody("flowUrl", "must be an absolute http or https URL");
        }
        if (request.authScheme() == AuthScheme.BASIC && blankToNull(request.tenantId()) == null) {
            throw Violations.invalidBody("tenantId", "is required when authScheme is BASIC");
        }
    }

    private static boolean isAbsoluteHttpUrl(String url) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static void requireFreeName(String name, Long exceptId) {
        long taken = Destination.count(
                "name = ?1 and deletedAt is null and id <> ?2", name.trim(), exceptId == null ? -1L : exceptId);
        if (taken > 0) {
            throw nameTaken(name.trim());
        }
    }

    private static void persistChecked(Destination destination) {
        try {
            destination.persistAndFlush();
        } catch (PersistenceException e) {
            if (Violations.isUniqueViolation(e)) {
                // Another request took the name between our check and our write.
                throw nameTaken(destination.name);
            }
            throw e;
        }
    }

    private static ProblemException nameTaken(String name) {
        return ProblemException.conflict("a destination named '" + name + "' already exists");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** PostgreSQL keeps microseconds: answers show the time as it will read back. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
