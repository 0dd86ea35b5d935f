package io.safeframe.likeness.check;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.CheckClipRequest;
import io.safeframe.api.v1.CheckPromptRequest;
import io.safeframe.api.v1.ConsentedLikeness;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.LikenessCheck;
import io.safeframe.api.v1.Verdict;
import io.safeframe.likeness.Refusal;
import io.safeframe.likeness.check.PromptDecision.CameoConsent;
import io.safeframe.likeness.faces.FaceDescriber;
import io.safeframe.likeness.faces.ReferenceFaces;
import io.safeframe.likeness.handle.Handle;
import io.safeframe.likeness.handle.PromptHandles;
import io.safeframe.likeness.matching.FaceMatcher;
import io.safeframe.likeness.matching.Thresholds;
import io.safeframe.likeness.registry.CameoStore;
import io.safeframe.likeness.registry.StoredLikeness;
import io.safeframe.likeness.uses.CameoUses;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The two enforcement points. Both read the consent in force at the moment of the check (a revocation a second ago
 * counts) and record a use, whose id is the consent reference id, for every cameo used with consent.
 */
@ApplicationScoped
public class LikenessChecks {

    static final String CATEGORY = "real_person_likeness";
    private static final int MAX_PROMPT = 20_000;

    private final Pool pool;
    private final CameoStore store;
    private final CameoUses uses;
    private final FaceDescriber describer;

    public LikenessChecks(Pool pool, CameoStore store, CameoUses uses, FaceDescriber describer) {
        this.pool = pool;
        this.store = store;
        this.uses = uses;
        this.describer = describer;
    }

    public Uni<LikenessCheck> checkPrompt(CheckPromptRequest request) {
        String requester = requester(request.getContext());
        if (request.getPrompt().length() > MAX_PROMPT) {
            throw Refusal.invalid("prompt longer than " + MAX_PROMPT + " characters");
        }
        Set<Handle> named = PromptHandles.named(request.getPrompt());
        if (named.isEmpty()) {
            return Uni.createFrom().item(result(Decision.ALLOW, "The prompt names no cameo.", "likeness:prompt", List.of(), List.of(), 0));
        }
        return pool.withTransaction(sql -> store.cameosByHandle(sql, named.stream().map(Handle::value).collect(Collectors.toSet()))
                .chain(found -> {
                    Map<Handle, CameoConsent> registered = new HashMap<>();
                    found.values().forEach(l -> registered.put(new Handle(l.handle()), new CameoConsent(l.id().toString(), l.owner(),
                            l.audience(), l.grantees())));
                    PromptDecision.Outcome out = PromptDecision.decide(requester, request.getContext().getAgeBand(), named, registered);
                    List<String> unknown = out.unknown().stream().map(Handle::toString).toList();
                    if (out.decision() != Decision.ALLOW) {
                        return Uni.createFrom().item(result(out.decision(), out.reason(), "likeness:prompt.no-consent", List.of(), unknown, 0));
                    }
                    List<StoredLikeness> permitted = out.permitted().stream().map(h -> found.get(h.value())).toList();
                    return recordUses(sql, request.getJobId(), requester, permitted)
                            .map(consented -> result(out.decision(), out.reason(), "likeness:prompt", consented, unknown, 0));
                }));
    }

    public Uni<LikenessCheck> checkClip(CheckClipRequest request) {
        String requester = requester(request.getContext());
        if (request.getMedia().isEmpty()) {
            throw Refusal.invalid("no clip");
        }
        return describer.describe(request.getContext().getCorrelationId(), request.getMedia().toByteArray(), request.getMediaType())
                .chain(described -> {
                    List<float[]> faces = ReferenceFaces.all(described);
                    if (faces.isEmpty()) {
                        return Uni.createFrom().item(result(Decision.ALLOW, "No face in the video.", "likeness:frames", List.of(), List.of(), 0));
                    }
                    return pool.withTransaction(sql -> store.enrolledWithDescriptors(sql).chain(enrolled -> {
                        ClipDecision.Outcome out = ClipDecision.decide(requester, request.getContext().getAgeBand(), FaceMatcher.matches(faces, enrolled,
                                new Thresholds(described.getMatchDistance(), described.getReviewDistance())));
                        String rule = out.decision() == Decision.ALLOW ? "likeness:frames" : "likeness:frames.no-consent";
                        List<StoredLikeness> permitted = out.permitted().stream().filter(m -> m.likeness().owner() != null)
                                .map(m -> new StoredLikeness(UUID.fromString(m.likeness().likenessId()), "cameo", m.likeness().owner(),
                                        m.likeness().handle(), null, m.likeness().audience(), m.likeness().grantees(), 0, ""))
                                .toList();
                        Uni<List<ConsentedLikeness>> consented = out.decision() == Decision.ALLOW
                                ? recordUses(sql, request.getJobId(), requester, permitted)
                                : Uni.createFrom().item(List.of());
                        return consented.map(c -> result(out.decision(), out.reason(), rule, c, List.of(), faces.size()));
                    }));
                });
    }

    /**
     * Whose generation it is: the account the request is about. Inline (the prompt check) the gateway also proves it
     * as the actor; the job runner's later clip check runs as gateway-service on behalf of the job's account.
     */
    static String requester(io.safeframe.api.v1.RequestContext context) {
        String account = context.getAccountId().isBlank() ? context.getActor() : context.getAccountId();
        if (account.isBlank()) {
            throw Refusal.invalid("the request names no account");
        }
        return account;
    }

    private Uni<List<ConsentedLikeness>> recordUses(SqlClient sql, String jobId, String requester, List<StoredLikeness> permitted) {
        if (permitted.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        if (jobId.isBlank()) {
            throw Refusal.invalid("a check that uses a cameo needs the job id its use is recorded for");
        }
        return Multi.createFrom().iterable(permitted)
                .onItem().transformToUniAndConcatenate(l -> uses.record(sql, l.id(), l.owner(), l.handle(), jobId, requester)
                        .map(id -> ConsentedLikeness.newBuilder().setConsentReferenceId(id.toString()).setHandle("@" + l.handle()).build()))
                .collect().asList();
    }

    private static LikenessCheck result(Decision decision, String reason, String rule, List<ConsentedLikeness> consented,
            List<String> unknown, int faces) {
        Verdict.Builder v = Verdict.newBuilder().setDecision(decision).setSource("likeness").setRuleId(rule).setReason(reason)
                .setPublicReason(reason).setVerdictId(UUID.randomUUID().toString()).setPolicyVersion("likeness-v1");
        if (decision != Decision.ALLOW) {
            v.addCategories(CategoryScore.newBuilder().setCategory(CATEGORY).setScore(decision == Decision.BLOCK ? 1.0 : 0.5));
        }
        return LikenessCheck.newBuilder().setVerdict(v).addAllConsented(consented).addAllUnknownHandles(unknown).setFacesChecked(faces)
                .build();
    }
}
