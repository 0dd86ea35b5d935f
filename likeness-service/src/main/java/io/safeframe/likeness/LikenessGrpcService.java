package io.safeframe.likeness;

import io.quarkus.grpc.GrpcService;
import io.safeframe.api.v1.Cameo;
import io.safeframe.api.v1.CameoRequest;
import io.safeframe.api.v1.CameoUse;
import io.safeframe.api.v1.CheckClipRequest;
import io.safeframe.api.v1.CheckPromptRequest;
import io.safeframe.api.v1.EnrolRequest;
import io.safeframe.api.v1.GrantRequest;
import io.safeframe.api.v1.Likeness;
import io.safeframe.api.v1.LikenessCheck;
import io.safeframe.api.v1.ProtectedPerson;
import io.safeframe.api.v1.ProtectedPersonList;
import io.safeframe.api.v1.ProtectedPersonRef;
import io.safeframe.api.v1.ProtectedPersonRequest;
import io.safeframe.api.v1.SetAudienceRequest;
import io.safeframe.api.v1.TakedownRequest;
import io.safeframe.api.v1.UnenrolResult;
import io.safeframe.api.v1.UseList;
import io.safeframe.api.v1.UseStateRequest;
import io.safeframe.likeness.check.LikenessChecks;
import io.safeframe.likeness.registry.CameoRegistry;
import io.safeframe.likeness.registry.CameoStore;
import io.safeframe.likeness.uses.CameoUses;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The gRPC edge; only the gateway may call it (allow-list). Which user may call what (an admin for the
 * protected-persons bank) is the gateway's decision from the token; the data rules (only the owner changes a cameo)
 * are enforced here from the actor the gateway's token proves.
 */
@GrpcService
public class LikenessGrpcService implements Likeness {

    private static final java.util.Set<String> JOB_STATES = java.util.Set.of("QUEUED", "GENERATING", "CLASSIFYING", "MARKING",
            "PUBLISHED", "BLOCKED", "HELD_FOR_REVIEW", "FAILED", "REMOVED");

    private final CameoRegistry registry;
    private final LikenessChecks checks;
    private final CameoUses uses;
    private final CameoStore store;
    private final Pool pool;

    private final io.safeframe.likeness.erasure.AccountErasure erasure;

    public LikenessGrpcService(CameoRegistry registry, LikenessChecks checks, CameoUses uses, CameoStore store, Pool pool,
            io.safeframe.likeness.erasure.AccountErasure erasure) {
        this.erasure = erasure;
        this.registry = registry;
        this.checks = checks;
        this.uses = uses;
        this.store = store;
        this.pool = pool;
    }

    @Override
    public Uni<Cameo> enrol(EnrolRequest request) {
        return Uni.createFrom().deferred(() -> registry.enrol(request));
    }

    @Override
    public Uni<Cameo> getCameo(CameoRequest request) {
        return Uni.createFrom().deferred(() -> registry.get(request.getContext()));
    }

    @Override
    public Uni<Cameo> setAudience(SetAudienceRequest request) {
        return Uni.createFrom().deferred(() -> registry.setAudience(request.getContext(), request.getAudience()));
    }

    @Override
    public Uni<Cameo> grant(GrantRequest request) {
        return Uni.createFrom().deferred(() -> registry.grant(request.getContext(), request.getAccountId()));
    }

    @Override
    public Uni<Cameo> revoke(GrantRequest request) {
        return Uni.createFrom().deferred(() -> registry.revoke(request.getContext(), request.getAccountId()));
    }

    @Override
    public Uni<io.safeframe.api.v1.ErasureResult> eraseAccount(io.safeframe.api.v1.EraseAccountRequest request) {
        String account = request.getAccountId().strip();
        if (account.isEmpty() || account.length() > 256) {
            throw io.grpc.Status.INVALID_ARGUMENT.withDescription("account_id is required (at most 256 characters)").asRuntimeException();
        }
        return Uni.createFrom().deferred(() -> erasure.erase(account));
    }

    @Override
    public Uni<UnenrolResult> unenrol(CameoRequest request) {
        return Uni.createFrom().deferred(() -> registry.unenrol(request.getContext()));
    }

    @Override
    public Uni<LikenessCheck> checkPrompt(CheckPromptRequest request) {
        return Uni.createFrom().deferred(() -> checks.checkPrompt(request));
    }

    @Override
    public Uni<LikenessCheck> checkClip(CheckClipRequest request) {
        return Uni.createFrom().deferred(() -> checks.checkClip(request));
    }

    /** A publication after the consent was withdrawn (checked before, published after) goes to the owner's review. */
    @Override
    public Uni<UseList> setUseState(UseStateRequest request) {
        return Uni.createFrom().deferred(() -> {
            if (request.getJobId().isBlank() || !JOB_STATES.contains(request.getState())) {
                throw Refusal.invalid("a job id and one of " + JOB_STATES + " are required");
            }
            return pool.withTransaction(sql -> uses.setState(sql, request.getJobId(), request.getState())
                    .call(list -> "PUBLISHED".equals(request.getState()) && !list.isEmpty() ? requeue(sql, list) : Uni.createFrom().voidItem())
                    .chain(list -> uses.ofJob(sql, request.getJobId())))
                    .map(list -> UseList.newBuilder().addAllUses(list).build());
        });
    }

    private Uni<Void> requeue(io.vertx.mutiny.sqlclient.SqlConnection sql, java.util.List<CameoUse> list) {
        return sql.preparedQuery("select distinct l.owner_account from likeness l join likeness_use u on u.likeness_id = l.id where u.job_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(list.get(0).getJobId()))
                .chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (var r : rows) {
                        String owner = r.getString("owner_account");
                        chain = chain.call(() -> store.cameoOf(sql, owner).call(c -> c.isPresent()
                                ? uses.queueWithdrawn(sql, c.get().id(), owner, c.get().audience(), c.get().grantees())
                                : Uni.createFrom().voidItem()));
                    }
                    return chain;
                });
    }

    @Override
    public Uni<UseList> listUses(CameoRequest request) {
        return Uni.createFrom().deferred(() -> registry.usesOf(request.getContext())).map(l -> UseList.newBuilder().addAllUses(l).build());
    }

    @Override
    public Uni<CameoUse> requestTakedown(TakedownRequest request) {
        return Uni.createFrom().deferred(() -> registry.requestTakedown(request.getContext(), request.getUseId(), request.getReason()));
    }

    @Override
    public Uni<ProtectedPerson> addProtectedPerson(ProtectedPersonRequest request) {
        return Uni.createFrom().deferred(() -> registry.addProtected(request));
    }

    @Override
    public Uni<UnenrolResult> removeProtectedPerson(ProtectedPersonRef request) {
        return Uni.createFrom().deferred(() -> registry.removeProtected(request.getContext(), request.getPersonId()));
    }

    @Override
    public Uni<ProtectedPersonList> listProtectedPersons(CameoRequest request) {
        return Uni.createFrom().deferred(registry::protectedPersons).map(l -> ProtectedPersonList.newBuilder().addAllPersons(l).build());
    }
}
