package dev.audiencerelay.campaign;

import dev.audiencerelay.web.ListParams;
import dev.audiencerelay.web.Page;
import dev.audiencerelay.web.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Creates and reads campaigns. Their lifecycle moves live in {@link CampaignLifecycle}. */
@ApplicationScoped
public class CampaignAdmin {

    private static final Logger LOG = Logger.getLogger(CampaignAdmin.class);

    private final DestinationAdmin destinations;
    private final CampaignViews views;
    private final MeterRegistry meters;
    private final Clock clock;

    CampaignAdmin(DestinationAdmin destinations, CampaignViews views, MeterRegistry meters, Clock clock) {
        this.destinations = destinations;
        this.views = views;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Commits a new ACTIVE campaign. When it includes existing members it is committed with its
     * backfill marked as unfinished, so that a crash before {@link ExistingMembersBackfill} is done
     * leaves work the scheduler finishes.
     */
    @Transactional
    public CampaignView create(CampaignRequest request, String requestedBy) {
        Instant now = now();
        checkEndsAt(request, now);
        requireFreeName(request.name().trim());
        Destination destination = destinations.findForNewCampaign(request.destinationId());

        Campaign campaign = new Campaign();
        campaign.name = request.name().trim();
        campaign.audienceKey = request.audienceKey();
        campaign.destination = destination;
        campaign.kind = request.kind();
        campaign.status = CampaignStatus.ACTIVE;
        campaign.endsAt = request.endsAt() == null ? null : request.endsAt().truncatedTo(ChronoUnit.MICROS);
        campaign.retriggerOnReentry = request.retriggersOnReentry();
        campaign.includeExisting = request.includesExistingMembers();
        campaign.existingMembersAfterId = campaign.includeExisting ? 0L : null;
        campaign.createdAt = now;
        campaign.updatedAt = now;
        persistChecked(campaign);

        LOG.infof(
                "Campaign '%s' (id %d) created by %s: audience '%s' to destination '%s'%s",
                campaign.name,
                campaign.id,
                requestedBy,
                campaign.audienceKey,
                destination.name,
                campaign.endsAt == null ? "" : ", ends at " + campaign.endsAt);
        meters.counter(CampaignLifecycle.METER, "action", "create").increment();
        return views.of(campaign);
    }

    @Transactional
    public CampaignView get(long id) {
        return views.of(find(id));
    }

    /** Campaigns by id, optionally only those of one audience or in one status. */
    @Transactional
    public Page<CampaignView> list(ListParams params, String audienceKey, String status) {
        StringBuilder query = new StringBuilder("id > ?1");
        List<Object> values = new ArrayList<>(List.of(params.afterId()));
        if (audienceKey != null && !audienceKey.isBlank()) {
            values.add(audienceKey.trim());
            query.append(" and audienceKey = ?").append(values.size());
        }
        if (status != null && !status.isBlank()) {
            values.add(parseStatus(status));
            query.append(" and status = ?").append(values.size());
        }
        List<Campaign> rows = Campaign.<Campaign>find(query + " order by id", values.toArray())
                .page(0, params.fetchSize())
                .list();
        return params.page(views.of(rows), view -> view.id().toString());
    }

    static Campaign find(long id) {
        Campaign campaign = Campaign.findById(id);
        if (campaign == null) {
            throw ProblemException.notFound("campaign " + id + " does not exist");
        }
        return campaign;
    }

    private static void checkEndsAt(CampaignRequest request, Instant now) {
        if (request.endsAt() == null) {
            return;
        }
        if (request.kind() != CampaignKind.ONE_TIME) {
            throw Violations.invalidBody("endsAt", "is only allowed for ONE_TIME campaigns");
        }
        if (!request.endsAt().isAfter(now)) {
            throw Violations.invalidBody("endsAt", "must be in the future, it was " + request.endsAt());
        }
    }

    private static CampaignStatus parseStatus(String status) {
        try {
            return CampaignStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ListParams.invalidQuery("status", "must be ACTIVE, PAUSED or ENDED");
        }
    }

    private static void requireFreeName(String name) {
        if (Campaign.count("name", name) > 0) {
            throw nameTaken(name);
        }
    }

    private static void persistChecked(Campaign campaign) {
        try {
            campaign.persistAndFlush();
        } catch (PersistenceException e) {
            if (Violations.isUniqueViolation(e)) {
                // Another request took the name between our check and our write.
                throw nameTaken(campaign.name);
            }
            throw e;
        }
    }

    private static ProblemException nameTaken(String name) {
        return ProblemException.conflict("a campaign named '" + name + "' already exists");
    }

    /** PostgreSQL keeps microseconds: answers show the time as it will read back. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
