package dev.audiencerelay.campaign;

import io.vertx.core.http.HttpServerRequest;

/** Who asked for a change, for the log: the address the request came from. */
final class RemoteAddress {

    private RemoteAddress() {}

    static String of(HttpServerRequest request) {
        if (request == null || request.remoteAddress() == null) {
            return "an unknown address";
        }
        return request.remoteAddress().hostAddress();
    }
}
