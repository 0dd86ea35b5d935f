package io.safeframe.gateway.internal;

import java.util.Set;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Which service owns the parser of each policy kind, and the check a document passes before it is drafted: the
 * owning service's own loader validates it (one home for a policy's schema). A new kind in the policy store adds its
 * owner here.
 */
@ApplicationScoped
public class PolicyDocuments {

    private static final Set<String> KINDS = Set.of("prompt");

    private final GuardClient guard;

    public PolicyDocuments(GuardClient guard) {
        this.guard = guard;
    }

    public void requireKnown(String kind) {
        if (!KINDS.contains(kind)) {
            throw ApiException.notFound("no policy kind '" + kind + "' (known: " + String.join(", ", KINDS) + ")");
        }
    }

    /** 400 with the loader's reason when the document would be refused; 503 when its owner cannot answer. */
    public Uni<Void> validate(RequestContext ctx, String kind, String document) {
        requireKnown(kind);
        return guard.validatePolicy(ctx, document)
                .onFailure(f -> f instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.INVALID_ARGUMENT)
                .transform(f -> ApiException.badRequest("the " + kind + " policy document is invalid: "
                        + ((StatusRuntimeException) f).getStatus().getDescription()))
                .replaceWithVoid();
    }
}
