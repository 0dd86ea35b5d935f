package io.safeframe.identity.audit;

/**
 * An internal call refused for identity reasons. {@code caller} is the certificate's service name, or empty when
 * there was no client certificate; {@code claimedActor} what the request named; {@code status} the gRPC code
 * returned (or that would have been, in log-only mode).
 */
public record Refusal(String method, String caller, String claimedActor, String correlationId, String status,
        String reason, boolean enforced) {
}
