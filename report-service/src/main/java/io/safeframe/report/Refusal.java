package io.safeframe.report;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The service's business errors as gRPC statuses. Thrown inside a transaction they roll it back, so a refused
 * request writes nothing. The gateway turns each code into its HTTP problem.
 */
public final class Refusal {

    private Refusal() {
    }

    public static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException notFound(String message) {
        return Status.NOT_FOUND.withDescription(message).asRuntimeException();
    }

    /** The state does not allow it (unclaimed case, expired lease, stale version, appeal window closed). */
    public static StatusRuntimeException conflict(String message) {
        return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException duplicate(String message) {
        return Status.ALREADY_EXISTS.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException forbidden(String message) {
        return Status.PERMISSION_DENIED.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException tooMany(String message) {
        return Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
    }

    public static String requireText(String value, String field, int maxChars) {
        if (value == null || value.isBlank()) {
            throw invalid(field + " is required");
        }
        if (value.length() > maxChars) {
            throw invalid(field + " is longer than " + maxChars + " characters");
        }
        return value;
    }
}
