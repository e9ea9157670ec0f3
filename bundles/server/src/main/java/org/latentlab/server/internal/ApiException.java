package org.latentlab.server.internal;

/** A client error (or a service that is not there right now): the API answers with this status and message. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    static ApiException notFound(String id) {
        return new ApiException(404, "no job '" + id + "'");
    }

    static ApiException unavailable(String what) {
        return new ApiException(503, "the " + what + " is not available right now (restarting after a configuration or "
                + "bundle change?); try again in a moment");
    }
}
