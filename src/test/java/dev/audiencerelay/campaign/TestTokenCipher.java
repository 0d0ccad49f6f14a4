package dev.audiencerelay.campaign;

import dev.audiencerelay.support.TestSettings;
import java.util.Optional;

/**
 * The real {@link TokenCipher} keyed with the test secrets key, for tests that insert destinations
 * with SQL: the application then decrypts a genuine ciphertext, in process or as the packaged jar.
 */
public final class TestTokenCipher {

    private static final TokenCipher CIPHER = new TokenCipher(() -> Optional.of(TestSettings.SECRETS_KEY));

    private TestTokenCipher() {}

    public static byte[] encrypt(String token) {
        return CIPHER.encrypt(token);
    }
}
