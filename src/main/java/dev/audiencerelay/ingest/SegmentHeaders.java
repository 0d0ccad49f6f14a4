package dev.audiencerelay.ingest;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.HttpHeaders;

/** The headers every ingest path reads: how the body is encoded and how the sender proves itself. */
public class SegmentHeaders {

    @HeaderParam(HttpHeaders.CONTENT_TYPE)
    public String contentType;

    /** Classic Webhooks: hex HMAC-SHA1 of the body keyed by the shared secret. */
    @HeaderParam("X-Signature")
    public String signature;

    /** Basic with a write key as user name, or Bearer with a write key. */
    @HeaderParam(HttpHeaders.AUTHORIZATION)
    public String authorization;
}
