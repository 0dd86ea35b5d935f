package io.safeframe.gateway.problem;

/**
 * A safety service could not answer (down, slow, circuit open, bulkhead full). Fail closed: the caller gets
 * 503 with Retry-After and nothing is let through unscreened.
 */
public class SafetyServiceUnavailable extends RuntimeException {

    public final String service;

    public SafetyServiceUnavailable(String service, Throwable cause) {
        super(service + " is unavailable (" + (cause == null ? "no answer" : cause.getClass().getSimpleName()) + ")",
                cause, false, false);
        this.service = service;
    }
}
