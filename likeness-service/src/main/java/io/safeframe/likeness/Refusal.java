package io.safeframe.likeness;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Business errors as gRPC statuses; the gateway turns each code into its HTTP problem. */
public final class Refusal {

    private Refusal() {
    }

    public static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException notFound(String message) {
        return Status.NOT_FOUND.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException duplicate(String message) {
        return Status.ALREADY_EXISTS.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException conflict(String message) {
        return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
    }

    public static String requireActor(io.safeframe.api.v1.RequestContext context) {
        String actor = context.getActor();
        if (actor.isBlank()) {
            throw invalid("the request names no account");
        }
        return actor;
    }
}
