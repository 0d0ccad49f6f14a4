package dev.audiencerelay.audience;

import dev.audiencerelay.web.ListParams;
import dev.audiencerelay.web.Page;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code /admin/audiences}: what Segment told us, read-only. */
@Path("/admin/audiences")
@Produces(MediaType.APPLICATION_JSON)
public class AudienceAdminResource {

    private final AudienceQueries audiences;

    AudienceAdminResource(AudienceQueries audiences) {
        this.audiences = audiences;
    }

    @GET
    public Page<AudienceSummary> listAudiences(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        return audiences.listAudiences(ListParams.of(limit, after));
    }

    @GET
    @Path("{key}/members")
    public Page<MemberView> listMembers(
            @PathParam("key") String audienceKey,
            @QueryParam("state") String state,
            @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        return audiences.listMembers(audienceKey, state, ListParams.of(limit, after));
    }
}
