package dev.audiencerelay.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards every {@code /admin} path with {@code Authorization: Bearer <RELAY_ADMIN_TOKEN>}. The
 * comparison takes the same time whatever the token, so its bytes cannot be guessed one by one.
 */
public class AdminAuthFilter {

    private static final String BEARER = "Bearer ";

    private final AdminConfig config;

    AdminAuthFilter(AdminConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public Response requireAdminToken(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.equals("/admin") && !path.startsWith("/admin/")) {
            return null;
        }
        if (isAdmin(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return null;
        }
        return ProblemMappers.problemResponse(
                        Problem.of(401, "Unauthorized", "The admin API needs Authorization: Bearer <admin token>"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"audience-relay admin\"")
                .build();
    }

    private boolean isAdmin(String authorization) {
        if (config.token().isEmpty() || authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = config.token().get().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, expected);
    }
}
