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

    /** Each kind and the service whose loader parses it (tiers: policy-service itself, when the version is drafted). */
    private static final Set<String> KINDS = Set.of("prompt", "classifier", "tiers");
    /** Kinds whose candidates can run beside live (shadow, canary) and be backtested: prompt-guard screens text twice. */
    private static final Set<String> EVALUATED = Set.of("prompt");

    private final GuardClient guard;
    private final FramesClient frames;

    public PolicyDocuments(GuardClient guard, FramesClient frames) {
        this.guard = guard;
        this.frames = frames;
    }

    public void requireKnown(String kind) {
        if (!KINDS.contains(kind)) {
            throw ApiException.notFound("no policy kind '" + kind + "' (known: " + String.join(", ", new java.util.TreeSet<>(KINDS)) + ")");
        }
    }

    /**
     * 409 for shadow, canary and backtests of a kind whose service applies only the live version (frame-classifier:
     * a verdict is thresholds over frame scores; running a second policy beside live is not built. Tiers: a quota is
     * one number per account, so two arms would be two different promises to users).
     */
    public void requireEvaluated(String kind, String what) {
        requireKnown(kind);
        if (!EVALUATED.contains(kind)) {
            throw new ApiException(409, "conflict", "Not available for this kind",
                    what + " run for prompt policies only; a " + kind + " version goes from approved straight to live");
        }
    }

    /** 400 with the loader's reason when the document would be refused; 503 when its owner cannot answer. */
    public Uni<Void> validate(RequestContext ctx, String kind, String document) {
        requireKnown(kind);
        if ("tiers".equals(kind)) {
            return Uni.createFrom().voidItem(); // policy-service applies tiers and checks them at DraftPolicyVersion (400 from there)
        }
        Uni<io.safeframe.api.v1.PolicyValidation> checked = "classifier".equals(kind) ? frames.validatePolicy(ctx, document)
                : guard.validatePolicy(ctx, document);
        return checked
                .onFailure(f -> f instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.INVALID_ARGUMENT)
                .transform(f -> ApiException.badRequest("the " + kind + " policy document is invalid: "
                        + ((StatusRuntimeException) f).getStatus().getDescription()))
                .replaceWithVoid();
    }
}
