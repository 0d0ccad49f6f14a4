package dev.audiencerelay.campaign;

import dev.audiencerelay.web.ListParams;
import dev.audiencerelay.web.Page;
import dev.audiencerelay.web.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** {@code /admin/destinations}: the Pendula flow triggers campaigns send to. */
@Path("/admin/destinations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DestinationResource {

    private final DestinationAdmin destinations;

    DestinationResource(DestinationAdmin destinations) {
        this.destinations = destinations;
    }

    @POST
    public Response createDestination(@Valid DestinationRequest request, @Context HttpServerRequest http) {
        DestinationView created = destinations.create(requireBody(request), RemoteAddress.of(http));
        return Response.created(URI.create("/admin/destinations/" + created.id()))
                .entity(created)
                .build();
    }

    @GET
    public Page<DestinationView> listDestinations(
            @QueryParam("limit") String limit, @QueryParam("after") String after) {
        return destinations.list(ListParams.of(limit, after));
    }

    @GET
    @Path("{id}")
    public DestinationView getDestination(@PathParam("id") long id) {
        return destinations.get(id);
    }

    @PUT
    @Path("{id}")
    public DestinationView updateDestination(
            @PathParam("id") long id, @Valid DestinationRequest request, @Context HttpServerRequest http) {
        return destinations.update(id, requireBody(request), RemoteAddress.of(http));
    }

    @DELETE
    @Path("{id}")
    public Response deleteDestination(@PathParam("id") long id, @Context HttpServerRequest http) {
        destinations.delete(id, RemoteAddress.of(http));
        return Response.noContent().build();
    }

    private static DestinationRequest requireBody(DestinationRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("The body must be a JSON object describing the destination");
        }
        return request;
    }
}
