package io.safeframe.policy.lifecycle;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DivergenceGroup;
import io.safeframe.api.v1.DivergenceReport;
import io.safeframe.api.v1.PolicyDivergence;
import io.safeframe.policy.audit.AuditKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Shadow mode's record (docs/policy-lifecycle.md): every screening where the candidate in shadow decided otherwise
 * than live, with what each version's rules matched, and the report by category and decision pair. Prompts are kept
 * only as their keyed hash (AuditKeys.promptHmac), like the audit log.
 */
@ApplicationScoped
public class DivergenceLog {

    static final int MAX_BATCH = 1000;

    private final Pool pool;
    private final AuditKeys keys;

    public DivergenceLog(Pool pool, AuditKeys keys) {
        this.pool = pool;
        this.keys = keys;
    }

    public Uni<Integer> record(List<PolicyDivergence> divergences) {
        if (divergences.size() > MAX_BATCH) {
            throw new PolicyStore.InvalidDocument("at most " + MAX_BATCH + " divergences per call");
        }
        if (divergences.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Tuple> rows = new ArrayList<>();
        for (PolicyDivergence d : divergences) {
            if (d.getLiveDecision() == d.getCandidateDecision()) {
                throw new PolicyStore.InvalidDocument("a divergence needs two different decisions");
            }
            Instant at = d.hasAt() ? Instant.ofEpochSecond(d.getAt().getSeconds(), d.getAt().getNanos()) : Instant.now();
            rows.add(Tuple.from(new Object[] { d.getKind(), d.getCandidateVersion(), d.getLiveVersion(),
                    d.getCategory().isBlank() ? "none" : d.getCategory(), d.getLiveDecision().name(), d.getCandidateDecision().name(),
                    d.getLiveRule(), d.getCandidateRule(), new JsonArray(List.copyOf(d.getLiveEvidenceList())),
                    new JsonArray(List.copyOf(d.getCandidateEvidenceList())),
                    d.getPromptToHash().isEmpty() ? null : keys.promptHmac(d.getPromptToHash()),
                    d.getCorrelationId().isEmpty() ? null : d.getCorrelationId(), OffsetDateTime.ofInstant(at, ZoneOffset.UTC) }));
        }
        return pool.preparedQuery("""
                insert into policy_divergence (kind, candidate_version, live_version, category, live_decision,
                    candidate_decision, live_rule, candidate_rule, live_evidence, candidate_evidence, prompt_hmac,
                    correlation_id, at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)""")
                .executeBatch(rows).replaceWith(rows.size());
    }

    /** Counts by (category, live decision, candidate decision), most frequent first, with the newest samples of each. */
    public Uni<DivergenceReport> report(String kind, int candidateVersion, int samplesPerGroup) {
        int samples = Math.max(0, Math.min(samplesPerGroup <= 0 ? 5 : samplesPerGroup, 50));
        Uni<Integer> candidate = candidateVersion > 0 ? Uni.createFrom().item(candidateVersion)
                : pool.preparedQuery("select version from policy_version where kind = $1 and state = 'SHADOW'").execute(Tuple.of(kind))
                        .map(rows -> {
                            if (!rows.iterator().hasNext()) {
                                throw new Lifecycle.IllegalMove("no " + kind + " version is in shadow; name the candidate version");
                            }
                            return rows.iterator().next().getInteger("version");
                        });
        return candidate.chain(version -> pool.preparedQuery("""
                select category, live_decision, candidate_decision, count(*) over (partition by category, live_decision,
                       candidate_decision) as n, live_version, live_rule, candidate_rule, live_evidence::text as live_evidence,
                       candidate_evidence::text as candidate_evidence, correlation_id, at,
                       row_number() over (partition by category, live_decision, candidate_decision order by id desc) as rn
                from policy_divergence where kind = $1 and candidate_version = $2""")
                .execute(Tuple.of(kind, version)).map(rows -> {
                    Map<String, DivergenceGroup.Builder> groups = new LinkedHashMap<>();
                    long total = 0;
                    for (Row r : rows) {
                        String key = r.getString("category") + "|" + r.getString("live_decision") + "|" + r.getString("candidate_decision");
                        DivergenceGroup.Builder g = groups.get(key);
                        if (g == null) {
                            g = DivergenceGroup.newBuilder().setCategory(r.getString("category"))
                                    .setLiveDecision(Decision.valueOf(r.getString("live_decision")))
                                    .setCandidateDecision(Decision.valueOf(r.getString("candidate_decision"))).setCount(r.getLong("n"));
                            groups.put(key, g);
                            total += r.getLong("n");
                        }
                        if (r.getLong("rn") <= samples) {
                            Instant at = r.getOffsetDateTime("at").toInstant();
                            g.addSamples(PolicyDivergence.newBuilder().setKind(kind).setCandidateVersion(version)
                                    .setLiveVersion(r.getInteger("live_version")).setCategory(g.getCategory())
                                    .setLiveDecision(g.getLiveDecision()).setCandidateDecision(g.getCandidateDecision())
                                    .setLiveRule(r.getString("live_rule")).setCandidateRule(r.getString("candidate_rule"))
                                    .addAllLiveEvidence(strings(r.getString("live_evidence")))
                                    .addAllCandidateEvidence(strings(r.getString("candidate_evidence")))
                                    .setCorrelationId(r.getString("correlation_id") == null ? "" : r.getString("correlation_id"))
                                    .setAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano())));
                        }
                    }
                    DivergenceReport.Builder out = DivergenceReport.newBuilder().setKind(kind).setCandidateVersion(version).setTotal(total);
                    groups.values().stream().sorted((a, b) -> Long.compare(b.getCount(), a.getCount())).forEach(out::addGroups);
                    return out.build();
                }));
    }

    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        new JsonArray(json).forEach(v -> out.add(String.valueOf(v)));
        return out;
    }
}
