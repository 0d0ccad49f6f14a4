package dev.audiencerelay.campaign;

/** How a destination authenticates to Pendula. */
public enum AuthScheme {
    /** {@code Authorization: Bearer <token>}. */
    BEARER,
    /** {@code Authorization: Basic base64(tenantId:token)}. */
    BASIC
}
