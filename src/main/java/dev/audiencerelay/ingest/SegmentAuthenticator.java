package dev.audiencerelay.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decides whether a request comes from Segment. Any one proof is enough: an {@code X-Signature}
 * HMAC-SHA1 of the raw body made with the shared secret, a configured write key as HTTP Basic user
 * name or {@code Bearer} token, or as {@code writeKey} in the body. Every comparison takes the same
 * time whatever the presented value, so secrets cannot be guessed byte by byte.
 */
@ApplicationScoped
class SegmentAuthenticator {

    private final List<byte[]> writeKeys;
    private final byte[] sharedSecret;

    SegmentAuthenticator(IngestConfig config) {
        this.writeKeys = config.writeKeys().orElse(List.of()).stream()
                .map(String::trim)
                .filter(key -> !key.isEmpty())
                .map(key -> key.getBytes(StandardCharsets.UTF_8))
                .toList();
        this.sharedSecret = config.sharedSecret()
                .filter(secret -> !secret.isBlank())
                .map(secret -> secret.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
    }

    /** True when the signature or the Authorization header proves the request. */
    boolean byHeaders(byte[] body, String signature, String authorization) {
        return hasValidSignature(body, signature) || hasValidAuthorization(authorization);
    }

    /** True when the body's writeKey (every element's, for a bare array) is a configured key. */
    boolean byBodyWriteKey(SegmentBody body) {
        if (body.writeKeys().isEmpty()) {
            return false;
        }
        boolean allValid = true;
        for (String key : body.writeKeys()) {
            allValid &= isWriteKey(key);
        }
        return allValid;
    }

    private boolean hasValidSignature(byte[] body, String signature) {
        if (sharedSecret == null || signature == null || signature.isBlank()) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(hmacSha1(body)).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = signature.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented);
    }

    private boolean hasValidAuthorization(String authorization) {
        if (authorization == null) {
            return false;
        }
        String header = authorization.trim();
        int space = header.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = header.substring(space + 1).trim();
        return switch (scheme) {
            case "bearer" -> isWriteKey(credentials);
            case "basic" -> isWriteKey(basicUserName(credentials));
            default -> false;
        };
    }

    /** Segment sends the write key as user name with an empty password; the password is not checked. */
    private static String basicUserName(String credentials) {
        try {
            String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private boolean isWriteKey(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return false;
        }
        byte[] presented = candidate.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        // Compare against every key without stopping early, so timing does not tell which one matched.
        for (byte[] key : writeKeys) {
            match |= MessageDigest.isEqual(key, presented);
        }
        return match;
    }

    private byte[] hmacSha1(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(sharedSecret, "HmacSHA1"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available in this JVM", e);
        }
    }
}
