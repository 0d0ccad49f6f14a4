package dev.audiencerelay.campaign;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Encryption of destination tokens at rest. */
@ConfigMapping(prefix = "relay.secrets")
public interface SecretsConfig {

    /**
     * Base64 of a 256-bit AES key ({@code RELAY_SECRETS_KEY}) that encrypts destination tokens.
     * Required in prod; changing it makes stored tokens unreadable, so destinations must then be
     * updated with their tokens again.
     */
    Optional<String> key();
}
