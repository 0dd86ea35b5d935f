package io.safeframe.policy.lifecycle;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;

import io.grpc.Status;
import io.safeframe.api.v1.ApprovePolicyVersionRequest;
import io.safeframe.api.v1.DivergenceReport;
import io.safeframe.api.v1.DivergenceReportRequest;
import io.safeframe.api.v1.DraftPolicyVersionRequest;
import io.safeframe.api.v1.PolicyDivergenceReceipt;
import io.safeframe.api.v1.PolicyDivergences;
import io.safeframe.api.v1.GetPolicyVersionRequest;
import io.safeframe.api.v1.ListPolicyVersionsRequest;
import io.safeframe.api.v1.LivePolicyRequest;
import io.safeframe.api.v1.PolicyState;
import io.safeframe.api.v1.PolicyTransition;
import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.PolicyVersionList;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.RollbackPolicyRequest;
import io.safeframe.api.v1.SeedPolicyRequest;
import io.safeframe.api.v1.TransitionPolicyVersionRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The policy-version RPCs of PolicyService: protobuf in and out, the store's refusals as gRPC statuses. */
@ApplicationScoped
public class PolicyVersionRpc {

    private final PolicyStore store;
    private final DivergenceLog divergences;
    private final ObjectMapper json;
    private final PolicyEvaluations evaluations;

    public PolicyVersionRpc(PolicyStore store, DivergenceLog divergences, ObjectMapper json, PolicyEvaluations evaluations) {
        this.evaluations = evaluations;
        this.store = store;
        this.divergences = divergences;
        this.json = json;
    }

    public Uni<PolicyVersion> draft(DraftPolicyVersionRequest r) {
        return answer(() -> store.draft(r.getKind(), r.getDocumentJson(), r.getReason(), actor(r.getContext()))
                .map(v -> toProto(v, true)));
    }

    public Uni<PolicyVersion> approve(ApprovePolicyVersionRequest r) {
        return answer(() -> store.approve(r.getKind(), r.getVersion(), r.getReason(), r.getActorIsReviewer(),
                actor(r.getContext())).map(v -> toProto(v, false)));
    }

    public Uni<PolicyVersion> transition(TransitionPolicyVersionRequest r) {
        return answer(() -> store.transition(r.getKind(), r.getVersion(), stage(r.getTo()), r.getReason(), actor(r.getContext()))
                .map(v -> toProto(v, false)));
    }

    public Uni<PolicyVersion> stopCanary(io.safeframe.api.v1.StopCanaryRequest r) {
        return answer(() -> store.stopCanary(r.getKind(), r.getVersion(), r.getReason(), actor(r.getContext())).map(v -> toProto(v, false)));
    }

    public Uni<PolicyVersion> rollback(RollbackPolicyRequest r) {
        return answer(() -> store.rollback(r.getKind(), r.getReason(), actor(r.getContext())).map(v -> toProto(v, false)));
    }

    public Uni<PolicyVersionList> list(ListPolicyVersionsRequest r) {
        return answer(() -> store.list(r.getKind()).map(versions -> {
            PolicyVersionList.Builder out = PolicyVersionList.newBuilder();
            versions.forEach(v -> out.addVersions(toProto(v, false)));
            return out.build();
        }));
    }

    public Uni<io.safeframe.api.v1.PolicyEvaluation> recordEvaluation(io.safeframe.api.v1.RecordPolicyEvaluationRequest r) {
        return answer(() -> evaluations.record(r.getKind(), r.getVersion(), r.getEvaluation(), r.getSummaryJson(), r.getHeadline(),
                actor(r.getContext())).map(PolicyVersionRpc::toProto));
    }

    /** With the document, the history, what was measured about it and the diff against the version live now. */
    public Uni<PolicyVersion> get(GetPolicyVersionRequest r) {
        return answer(() -> store.get(r.getKind(), r.getVersion()).chain(v -> evaluations.list(v.kind(), v.version())
                .chain(measured -> store.live(r.getKind()).map(live -> {
            PolicyVersion.Builder out = toProto(v, true).toBuilder();
            measured.forEach(e -> out.addEvaluations(toProto(e)));
            if (live != null) {
                out.setDiffBaseVersion(live.version()).setDiffJson(JsonDiff.diff(tree(live.document()), tree(v.document())).toString());
            } else {
                out.setDiffJson(JsonDiff.diff(null, tree(v.document())).toString());
            }
            return out.build();
        }))));
    }

    private static io.safeframe.api.v1.PolicyEvaluation toProto(PolicyEvaluations.Evaluation e) {
        return io.safeframe.api.v1.PolicyEvaluation.newBuilder().setEvaluation(e.evaluation()).setHeadline(e.headline())
                .setSummaryJson(e.summaryJson()).setRecordedBy(e.recordedBy()).setRecordedAt(timestamp(e.recordedAt())).build();
    }

    /** What services poll (the live version, or the one in shadow or canary): cheap when nothing changed (the number only). */
    public Uni<PolicyVersion> live(LivePolicyRequest r) {
        Stage stage = switch (r.getState()) {
            case POLICY_SHADOW -> Stage.SHADOW;
            case POLICY_CANARY -> Stage.CANARY;
            default -> Stage.LIVE;
        };
        return answer(() -> store.inStage(r.getKind(), stage).map(v -> {
            if (v == null) {
                throw Status.NOT_FOUND.withDescription("no " + stage.name().toLowerCase() + " " + r.getKind() + " policy")
                        .asRuntimeException();
            }
            return toProto(v, v.version() != r.getKnownVersion());
        }));
    }

    public Uni<PolicyVersion> seed(SeedPolicyRequest r) {
        return answer(() -> store.seed(r.getKind(), r.getDocumentJson(), actor(r.getContext())).map(v -> {
            if (v == null) {
                throw Status.FAILED_PRECONDITION.withDescription("the store has " + r.getKind()
                        + " versions but none is live").asRuntimeException();
            }
            return toProto(v, true);
        }));
    }

    public Uni<PolicyDivergenceReceipt> recordDivergences(PolicyDivergences r) {
        return answer(() -> {
            r.getDivergencesList().forEach(d -> store.requireKind(d.getKind()));
            return divergences.record(r.getDivergencesList()).map(n -> PolicyDivergenceReceipt.newBuilder().setRecorded(n).build());
        });
    }

    public Uni<DivergenceReport> divergenceReport(DivergenceReportRequest r) {
        return answer(() -> divergences.report(store.requireKind(r.getKind()), r.getCandidateVersion(), r.getSamplesPerGroup()));
    }

    private <T> Uni<T> answer(java.util.function.Supplier<Uni<T>> call) {
        Uni<T> uni;
        try {
            uni = call.get();
        } catch (RuntimeException e) {
            uni = Uni.createFrom().failure(e);
        }
        return uni.onFailure().transform(PolicyVersionRpc::status);
    }

    private static Throwable status(Throwable f) {
        if (f instanceof PolicyStore.Refused) {
            return Status.PERMISSION_DENIED.withDescription(f.getMessage()).asRuntimeException();
        }
        if (f instanceof PolicyStore.NotFound) {
            return Status.NOT_FOUND.withDescription(f.getMessage()).asRuntimeException();
        }
        if (f instanceof PolicyStore.InvalidDocument) {
            return Status.INVALID_ARGUMENT.withDescription(f.getMessage()).asRuntimeException();
        }
        if (f instanceof Lifecycle.IllegalMove) {
            return Status.FAILED_PRECONDITION.withDescription(f.getMessage()).asRuntimeException();
        }
        return f;
    }

    private static PolicyStore.Actor actor(RequestContext ctx) {
        String name = ctx.getActor().isBlank() ? "unknown" : ctx.getActor();
        return new PolicyStore.Actor(name, ctx.getCorrelationId());
    }

    private static Stage stage(PolicyState state) {
        return switch (state) {
            case POLICY_DRAFT -> Stage.DRAFT;
            case POLICY_APPROVED -> Stage.APPROVED;
            case POLICY_SHADOW -> Stage.SHADOW;
            case POLICY_CANARY -> Stage.CANARY;
            case POLICY_LIVE -> Stage.LIVE;
            case POLICY_RETIRED -> Stage.RETIRED;
            default -> throw new PolicyStore.InvalidDocument("to must be one of POLICY_SHADOW, POLICY_CANARY, POLICY_LIVE, POLICY_RETIRED");
        };
    }

    static PolicyState state(Stage stage) {
        return PolicyState.valueOf("POLICY_" + stage.name());
    }

    private JsonNode tree(String document) {
        try {
            return json.readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored policy document is not JSON", e);
        }
    }

    private static PolicyVersion toProto(StoredVersion v, boolean withDocument) {
        PolicyVersion.Builder out = PolicyVersion.newBuilder().setKind(v.kind()).setVersion(v.version())
                .setState(state(v.stage())).setAuthor(v.author()).setReason(v.reason()).setLabel(v.label())
                .setApprovedBy(v.approvedBy() == null ? "" : v.approvedBy()).setCreatedAt(timestamp(v.createdAt()))
                .setUpdatedAt(timestamp(v.updatedAt())).setRollbackNeedsReview(v.rollbackNeedsReview());
        if (withDocument) {
            out.setDocumentJson(v.document());
        }
        for (StoredVersion.Transition t : v.history()) {
            PolicyTransition.Builder h = PolicyTransition.newBuilder().setTo(state(t.to())).setActor(t.actor())
                    .setReason(t.reason()).setAt(timestamp(t.at())).setEmergency(t.emergency());
            if (t.from() != null) {
                h.setFrom(state(t.from()));
            }
            out.addHistory(h);
        }
        return out.build();
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
