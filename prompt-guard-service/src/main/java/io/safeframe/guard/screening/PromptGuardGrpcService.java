package io.safeframe.guard.screening;

import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.safeframe.api.v1.BacktestReport;
import io.safeframe.api.v1.BacktestRequest;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Evidence;
import io.safeframe.api.v1.NormalisationStep;
import io.safeframe.api.v1.PolicyEvent;
import io.safeframe.api.v1.PolicyInfo;
import io.safeframe.api.v1.PolicyRequest;
import io.safeframe.api.v1.PolicyValidation;
import io.safeframe.api.v1.ValidatePolicyRequest;
import io.safeframe.api.v1.PromptGuard;
import io.safeframe.api.v1.ScreenBatchRequest;
import io.safeframe.api.v1.ScreenBatchResponse;
import io.safeframe.api.v1.ScreenRequest;
import io.safeframe.api.v1.ScreenResponse;
import io.safeframe.api.v1.Span;
import io.safeframe.api.v1.Verdict;
import io.safeframe.guard.similarity.NearDuplicateSignature;
import io.safeframe.guard.policy.CompiledPolicy;
import io.safeframe.guard.policy.PolicyHolder;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

@GrpcService
public class PromptGuardGrpcService implements PromptGuard {

    static final int MAX_BATCH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Screener screener;
    private final PolicyHolder policy;
    private final VerdictMetrics metrics;
    private final ShadowEvaluator shadow;
    private final io.safeframe.guard.canary.CanaryArms arms;
    /** Log-odds around an operating point within which a screening is "uncertain" and worth a human label. */
    private final double labellingBand;

    public PromptGuardGrpcService(PolicyHolder policy, Screener screener, VerdictMetrics metrics,
            ShadowEvaluator shadow, io.safeframe.guard.canary.CanaryArms arms,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "safeframe.guard.labelling.band") double labellingBand) {
        this.labellingBand = labellingBand;
        this.arms = arms;
        this.policy = policy;
        this.screener = screener;
        this.metrics = metrics;
        this.shadow = shadow;
    }

    @Override
    @Blocking // the encoder waits for its worker thread: never on the event loop
    public Uni<ScreenResponse> screen(ScreenRequest request) {
        return Uni.createFrom().item(() -> toProto(screenOrReject(request.getText(), rulesFor(request.getContext()),
                request.getContext().getCorrelationId()), labellingBand));
    }

    @Override
    @Blocking
    public Uni<ScreenBatchResponse> screenBatch(ScreenBatchRequest request) {
        if (request.getTextsCount() > MAX_BATCH) {
            throw Status.INVALID_ARGUMENT.withDescription("at most " + MAX_BATCH + " texts per batch").asRuntimeException();
        }
        return Uni.createFrom().item(() -> {
            ScreenBatchResponse.Builder out = ScreenBatchResponse.newBuilder();
            CompiledPolicy rules = rulesFor(request.getContext());
            request.getTextsList().forEach(t -> out.addResults(toProto(screenOrReject(t, rules, request.getContext().getCorrelationId()), labellingBand)));
            return out.build();
        });
    }

    @Override
    public Uni<PolicyInfo> getPolicy(PolicyRequest request) {
        return Uni.createFrom().item(() -> {
            CompiledPolicy current = currentOrUnavailable();
            PolicyInfo.Builder out = PolicyInfo.newBuilder().setVersion(current.version()).setSource(policy.source())
                    .setStoreVersion(policy.storeVersion());
            try {
                out.setPolicyJson(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(current.source));
            } catch (JsonProcessingException e) {
                throw Status.INTERNAL.withDescription("policy cannot be written as JSON: " + e.getMessage()).asRuntimeException();
            }
            policy.history().forEach(c -> out.addHistory(PolicyEvent.newBuilder().setVersion(c.version()).setAt(c.at().toString())
                    .setOutcome(c.outcome()).setDetail(c.detail() == null ? "" : c.detail())));
            return out.build();
        });
    }

    /**
     * A candidate policy checked by the very parser and validator that loads policies (PolicyHolder.parse): what the
     * gateway asks before a draft is stored, so a document that would be refused at load time is never drafted.
     */
    @Override
    public Uni<PolicyValidation> validatePolicy(ValidatePolicyRequest request) {
        return Uni.createFrom().item(() -> {
            try {
                CompiledPolicy parsed = policy.validate(request.getPolicyJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return PolicyValidation.newBuilder().setVersion(parsed.version())
                        .setCategories(parsed.source.categories().size()).build();
            } catch (CompiledPolicy.InvalidPolicy e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            }
        });
    }

    /** A candidate against the live policy on a labelled set; the candidate must pass the loader's validation. */
    @Override
    @Blocking // screens every line twice, with the encoder
    public Uni<BacktestReport> backtest(BacktestRequest request) {
        return Uni.createFrom().item(() -> {
            if (request.getPromptsCount() == 0 || request.getPromptsCount() > Backtest.MAX_PROMPTS) {
                throw Status.INVALID_ARGUMENT.withDescription("a backtest takes 1 to " + Backtest.MAX_PROMPTS + " labelled prompts").asRuntimeException();
            }
            CompiledPolicy candidate;
            try {
                candidate = policy.validate(request.getCandidatePolicyJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (CompiledPolicy.InvalidPolicy e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            }
            try {
                return Backtest.run(screener, currentOrUnavailable(), candidate, request.getPromptsList());
            } catch (Screener.InputRejected e) {
                throw Status.INVALID_ARGUMENT.withDescription("a labelled prompt: " + e.getMessage()).asRuntimeException();
            }
        });
    }

    /** No policy loaded yet (store never reached): UNAVAILABLE, which callers treat as fail closed. */
    private CompiledPolicy currentOrUnavailable() {
        try {
            return policy.current();
        } catch (PolicyHolder.NoPolicy e) {
            throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        }
    }

    /** One prompt to its verdict, counted and timed (input refused as invalid has no verdict and is not counted). */
    private Screening screenOrReject(String text, CompiledPolicy rules, String correlationId) {
        long start = System.nanoTime();
        try {
            Screening s = screener.screen(text, rules);
            metrics.screened(s, start);
            arms.record(rules, s, start);
            if (rules == policy.current()) {
                // the candidate in shadow is compared with live's standard rules; a teen or canary screening would
                // diverge by design
                shadow.observe(text, s, correlationId);
            }
            return s;
        } catch (Screener.InputRejected e) {
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
    }

    /**
     * The teen profile for a teen account; the standard rules otherwise, including an unspecified band (an older
     * gateway, a service's own call): exactly the rules that applied before age bands existed, never laxer.
     */
    private CompiledPolicy rulesFor(io.safeframe.api.v1.RequestContext context) {
        // the canary's rules for its share of accounts (its teen profile for teens among them)
        CompiledPolicy current = arms.rulesFor(context.getAccountId(), currentOrUnavailable());
        return context.getAgeBand() == io.safeframe.api.v1.AgeBand.AGE_BAND_TEEN ? current.teen() : current;
    }

    static ScreenResponse toProto(Screening s, double labellingBand) {
        Verdict.Builder v = Verdict.newBuilder()
                .setDecision(Decision.valueOf(s.decision()))
                .setRuleId(s.ruleId())
                .setPolicyVersion(s.policyVersion())
                .setReason(s.reason())
                .setPublicReason(s.publicReason())
                .setSource("prompt-guard")
                .setVerdictId(UUID.randomUUID().toString());
        s.categoryScores().forEach((c, score) -> v.addCategories(CategoryScore.newBuilder().setCategory(c).setScore(score)));
        for (Screening.Hit h : s.hits()) {
            v.addEvidence(Evidence.newBuilder().setRuleId(h.ruleId()).setCategory(h.category()).setMatched(h.matched())
                    .addSpans(Span.newBuilder().setStart(h.start()).setEnd(h.end())).setTimestampMs(-1).setScore(h.score()));
        }
        ScreenResponse.Builder out = ScreenResponse.newBuilder().setVerdict(v).setNormalisedText(s.normalisedText())
                .setNearDuplicateSignature(NearDuplicateSignature.of(s.normalisedText()))
                .setUncertain(s.uncertain(labellingBand)).setReviewMargin(Double.isNaN(s.reviewMargin()) ? 0 : s.reviewMargin());
        s.steps().forEach(st -> out.addNormalisation(NormalisationStep.newBuilder().setStep(st.name())
                .setChanges(st.changes()).setExample(st.example())));
        return out.build();
    }
}
