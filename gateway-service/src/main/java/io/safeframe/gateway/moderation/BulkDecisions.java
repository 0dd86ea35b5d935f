package io.safeframe.gateway.moderation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.problem.ApiException;
import io.safeframe.gateway.report.ReportBodies.DecisionBody;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One action on a set of cases the moderator chose (docs/moderator-care.md, bulk actions). Each case goes the way a
 * single decision does — claimed by id under the same conflict-of-interest rule, decided with the version the claim
 * returned, its own statement of reasons, notice, webhook event and audit entry — one after the other, so one refusal
 * never undoes or blocks the others. Nothing here decides more than the moderator could one by one.
 */
@ApplicationScoped
public class BulkDecisions {

    static final int MAX_CASES = 100;

    @RegisterForReflection
    public record Body(List<String> caseIds, DecisionBody decision) {
    }

    private final ReportClient reports;

    public BulkDecisions(ReportClient reports) {
        this.reports = reports;
    }

    /** The case ids of a bulk request: 1-100, each a non-blank id, no repeats; 400 otherwise. */
    static List<String> caseIds(Body body) {
        if (body == null || body.caseIds() == null || body.decision() == null) {
            throw ApiException.badRequest("a JSON body {caseIds, decision} is required");
        }
        if (body.caseIds().isEmpty() || body.caseIds().size() > MAX_CASES) {
            throw ApiException.badRequest("caseIds must hold 1 to " + MAX_CASES + " case ids");
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String id : body.caseIds()) {
            if (id == null || id.isBlank() || id.length() > 100) {
                throw ApiException.badRequest("every case id must be a non-blank string of at most 100 characters");
            }
            if (!ids.add(id)) {
                throw ApiException.badRequest("case " + id + " is listed twice");
            }
        }
        return List.copyOf(ids);
    }

    Uni<Map<String, Object>> decide(RequestContext ctx, List<String> caseIds, DecideRequest.Builder decision) {
        List<Map<String, Object>> results = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String id : caseIds) {
            chain = chain.chain(() -> one(ctx, id, decision).invoke(results::add).replaceWithVoid());
        }
        return chain.map(done -> {
            long decided = results.stream().filter(r -> "decided".equals(r.get("outcome"))).count();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("decided", decided);
            out.put("refused", results.size() - decided);
            out.put("results", results);
            return out;
        });
    }

    private Uni<Map<String, Object>> one(RequestContext ctx, String id, DecideRequest.Builder decision) {
        return reports.claimCase(ctx, id)
                .chain(claimed -> reports.decide(decision.clone().setContext(ctx).setCaseId(id)
                        .setCaseVersion(claimed.getRef().getVersion()).build()))
                .map(d -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("caseId", id);
                    m.put("outcome", "decided");
                    m.put("decisionId", d.getDecisionId());
                    return m;
                })
                // a refusal of this case (not found, decided, held, a stake) is its outcome; an unavailable
                // report-service stops the run: what was decided so far stays decided and is in the audit log
                .onFailure(f -> f instanceof ApiException a && a.status < 500).recoverWithItem(f -> {
                    ApiException a = (ApiException) f;
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("caseId", id);
                    m.put("outcome", "refused");
                    m.put("status", a.status);
                    m.put("detail", a.getMessage());
                    return m;
                });
    }
}
