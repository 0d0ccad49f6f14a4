package dev.audiencerelay.dispatch;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * The webhook trigger of one Pendula flow. The flow URL is the client's base URI, so one client is
 * built per URL by {@link PendulaClient}, which is the only user of this interface.
 */
interface PendulaFlowApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Response startExperience(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            @HeaderParam("X-PENDULA-CUSTOM-CONTEXT") String customContext,
            Map<String, Object> body);
}
