package io.safeframe.gateway.internal;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.grpc.MutinyStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.problem.SafetyServiceUnavailable;
import io.smallrye.mutiny.Uni;

/** What every gRPC call from the gateway shares: correlation metadata, and the fail-closed translation. */
public final class SafetyCall {

    public static final Metadata.Key<String> CORRELATION = Metadata.Key.of("x-correlation-id", Metadata.ASCII_STRING_MARSHALLER);

    private SafetyCall() {
    }

    public static <S extends MutinyStub> S withCorrelation(S stub, RequestContext ctx) {
        Metadata headers = new Metadata();
        headers.put(CORRELATION, ctx.getCorrelationId());
        S attached = GrpcClientUtils.attachHeaders(stub, headers);
        ClientInterceptor step = StepTraces.joining(ctx.getCorrelationId());
        return step == null ? attached : withInterceptor(attached, step);
    }

    @SuppressWarnings("unchecked") // AbstractStub.withInterceptors returns the stub's own type
    private static <S extends MutinyStub> S withInterceptor(S stub, ClientInterceptor interceptor) {
        return (S) ((io.grpc.stub.AbstractStub<?>) stub).withInterceptors(interceptor);
    }

    /**
     * Answers that are the service's own business errors (bad argument, not found, ...) pass through;
     * anything that means "no answer" becomes {@link SafetyServiceUnavailable}, which the API turns into 503.
     */
    public static <T> Uni<T> failClosed(Uni<T> call, String service) {
        return call.onFailure(SafetyCall::isUnavailable).transform(f -> new SafetyServiceUnavailable(service, f));
    }

    /**
     * For services whose refusals are the user's business (report-service, hash banks): their gRPC status
     * becomes the matching HTTP problem; "no answer" still becomes 503.
     */
    public static <T> Uni<T> answer(Uni<T> call, String service) {
        return failClosed(call.onFailure(StatusRuntimeException.class).transform(SafetyCall::refusal), service);
    }

    static Throwable refusal(Throwable f) {
        Status status = ((StatusRuntimeException) f).getStatus();
        String detail = status.getDescription();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> new io.safeframe.gateway.problem.ApiException(422, "invalid-request", "The request cannot be processed", detail);
            case NOT_FOUND -> io.safeframe.gateway.problem.ApiException.notFound(detail);
            case FAILED_PRECONDITION -> new io.safeframe.gateway.problem.ApiException(409, "conflict", "Not possible in the current state", detail);
            case ALREADY_EXISTS -> new io.safeframe.gateway.problem.ApiException(409, "duplicate", "Already done", detail);
            case PERMISSION_DENIED -> new io.safeframe.gateway.problem.ApiException(403, "forbidden", "Not allowed", detail);
            case RESOURCE_EXHAUSTED -> new io.safeframe.gateway.problem.ApiException(429, "rate-limited", "Too many requests", detail);
            default -> f;
        };
    }

    static boolean isUnavailable(Throwable f) {
        if (f instanceof io.safeframe.gateway.problem.ApiException) {
            // the service answered; its answer is already an HTTP problem
            return false;
        }
        if (f instanceof StatusRuntimeException sre) {
            Status.Code code = sre.getStatus().getCode();
            return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.UNKNOWN
                    || code == Status.Code.INTERNAL || code == Status.Code.CANCELLED || code == Status.Code.ABORTED
                    || code == Status.Code.UNIMPLEMENTED;
        }
        // timeouts, open circuits, full bulkheads, connection errors
        return true;
    }
}
