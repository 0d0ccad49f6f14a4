package dev.audiencerelay.audience;

import dev.audiencerelay.campaign.Campaign;
import dev.audiencerelay.web.ListParams;
import dev.audiencerelay.web.Page;
import dev.audiencerelay.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Read-only views of recorded audiences and their members for the admin API. */
@ApplicationScoped
public class AudienceQueries {

    private final EntityManager entityManager;

    AudienceQueries(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Audience keys in alphabetical order, each with its counts and campaigns. The cursor is the
     * last audience key of the page.
     */
    // LIMITATION: Member and exited counts are computed on each request by reading the index entries of every
    // membership of the listed audiences, so a page of audiences with millions of members takes seconds to answer.
    @Transactional
    public Page<AudienceSummary> listAudiences(ListParams params) {
        List<Object[]> rows = entityManager
                .createQuery(
                        "select m.audienceKey,"
                                + " count(*) filter (where m.state = :member),"
                                + " count(*) filter (where m.state = :exited),"
                                + " max(m.lastEventAt)"
                                + " from Membership m where m.audienceKey > :after"
                                + " group by m.audienceKey order by m.audienceKey",
                        Object[].class)
                .setParameter("member", MembershipState.MEMBER)
                .setParameter("exited", MembershipState.EXITED)
                .setParameter("after", params.after() == null ? "" : params.after())
                .setMaxResults(params.fetchSize())
                .getResultList();
        Map<String, List<AudienceSummary.CampaignRef>> campaigns =
                campaignsOn(rows.stream().map(row -> (String) row[0]).toList());

        List<AudienceSummary> summaries = rows.stream()
                .map(row -> new AudienceSummary(
                        (String) row[0],
                        ((Number) row[1]).longValue(),
                        ((Number) row[2]).longValue(),
                        (Instant) row[3],
                        campaigns.getOrDefault((String) row[0], List.of())))
                .toList();
        return params.page(summaries, AudienceSummary::audienceKey);
    }

    /** Members of one audience by membership id, optionally only those in one state; 404 for an unknown audience. */
    @Transactional
    public Page<MemberView> listMembers(String audienceKey, String state, ListParams params) {
        List<Membership> rows = state == null || state.isBlank()
                ? Membership.<Membership>find("audienceKey = ?1 and id > ?2 order by id", audienceKey, params.afterId())
                        .page(0, params.fetchSize())
                        .list()
                : Membership.<Membership>find(
                                "audienceKey = ?1 and state = ?2 and id > ?3 order by id",
                                audienceKey,
                                parseState(state),
                                params.afterId())
                        .page(0, params.fetchSize())
                        .list();
        if (rows.isEmpty() && params.after() == null && !isKnown(audienceKey)) {
            throw ProblemException.notFound("no member of audience '" + audienceKey + "' has been recorded");
        }
        return params.page(
                rows.stream().map(MemberView::of).toList(),
                member -> member.id().toString());
    }

    private Map<String, List<AudienceSummary.CampaignRef>> campaignsOn(List<String> audienceKeys) {
        if (audienceKeys.isEmpty()) {
            return Map.of();
        }
        return Campaign.<Campaign>list("audienceKey in ?1 order by id", audienceKeys).stream()
                .collect(Collectors.groupingBy(
                        campaign -> campaign.audienceKey,
                        Collectors.mapping(
                                campaign ->
                                        new AudienceSummary.CampaignRef(campaign.id, campaign.name, campaign.status),
                                Collectors.toList())));
    }

    private static boolean isKnown(String audienceKey) {
        return Membership.find("audienceKey", audienceKey).firstResultOptional().isPresent();
    }

    private static MembershipState parseState(String state) {
        try {
            return MembershipState.valueOf(state.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ListParams.invalidQuery("state", "must be MEMBER or EXITED");
        }
    }
}
