package dev.audiencerelay.campaign;

import dev.audiencerelay.web.DatabaseFailures;
import dev.audiencerelay.web.ListParams;
import dev.audiencerelay.web.Page;
import dev.audiencerelay.web.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.logging.Logger;

/** {@code /admin/campaigns}: which audience triggers which destination, and its lifecycle. */
@Path("/admin/campaigns")
@Produces(MediaType.APPLICATION_JSON)
public class CampaignResource {

    private static final Logger LOG = Logger.getLogger(CampaignResource.class);

    private final CampaignAdmin campaigns;
    private final CampaignLifecycle lifecycle;
    private final ExistingMembersBackfill backfill;
    private final CampaignsConfig config;

    CampaignResource(
            CampaignAdmin campaigns,
            CampaignLifecycle lifecycle,
            ExistingMembersBackfill backfill,
            CampaignsConfig config) {
        this.campaigns = campaigns;
        this.lifecycle = lifecycle;
        this.backfill = backfill;
        this.config = config;
    }

    /**
     * Answers 201 once the campaign is committed and, with {@code includeExistingMembers}, once the
     * existing members' triggers are written too.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createCampaign(@Valid CampaignRequest request, @Context HttpServerRequest http) {
        if (request == null) {
            throw ProblemException.badRequest("The body must be a JSON object describing the campaign");
        }
        CampaignView created = campaigns.create(request, RemoteAddress.of(http));
        if (created.existingMembersPending()) {
            writeExistingMembers(created);
            created = campaigns.get(created.id());
        }
        return Response.created(URI.create("/admin/campaigns/" + created.id()))
                .entity(created)
                .build();
    }

    @GET
    public Page<CampaignView> listCampaigns(
            @QueryParam("limit") String limit,
            @QueryParam("after") String after,
            @QueryParam("audienceKey") String audienceKey,
            @QueryParam("status") String status) {
        return campaigns.list(ListParams.of(limit, after), audienceKey, status);
    }

    @GET
    @Path("{id}")
    public CampaignView getCampaign(@PathParam("id") long id) {
        return campaigns.get(id);
    }

    @POST
    @Path("{id}/pause")
    public CampaignView pauseCampaign(@PathParam("id") long id, @Context HttpServerRequest http) {
        return lifecycle.pause(id, RemoteAddress.of(http));
    }

    @POST
    @Path("{id}/resume")
    public CampaignView resumeCampaign(@PathParam("id") long id, @Context HttpServerRequest http) {
        return lifecycle.resume(id, RemoteAddress.of(http));
    }

    @POST
    @Path("{id}/end")
    public CampaignView endCampaign(@PathParam("id") long id, @Context HttpServerRequest http) {
        return lifecycle.end(id, RemoteAddress.of(http));
    }

    @POST
    @Path("{id}/retry-failed")
    public RetriedTriggers retryFailedTriggers(@PathParam("id") long id, @Context HttpServerRequest http) {
        return lifecycle.retryFailed(id, RemoteAddress.of(http));
    }

    /**
     * The campaign is already committed, so a failure here must not turn its creation into an
     * error: the progress is saved per batch and the scheduler finishes the rest.
     */
    // LIMITATION: The create request writes every existing member's trigger before it answers, so on an audience of
    // a million members it answers only after all batches (tens of seconds); a client that gives up earlier sees no
    // answer although the campaign and its triggers are created.
    private void writeExistingMembers(CampaignView campaign) {
        try {
            backfill.run(campaign.id());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Campaign '%s' (id %d) was created but writing triggers for existing members stopped: %s;"
                            + " the scheduler continues within %s",
                    campaign.name(), campaign.id(), DatabaseFailures.summary(e), config.endCheckInterval());
        }
    }
}
