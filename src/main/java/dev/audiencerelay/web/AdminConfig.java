package dev.audiencerelay.web;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The admin API. */
@ConfigMapping(prefix = "relay.admin")
public interface AdminConfig {

    /**
     * Bearer token that opens every {@code /admin} path ({@code RELAY_ADMIN_TOKEN}). Required in
     * prod; dev and test profiles set a fixed one. Without it the admin API answers 401 to everyone.
     */
    Optional<String> token();
}
