package io.safeframe.report.trends;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.ContentObservation;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.Evidence;
import io.safeframe.api.v1.ObservationResult;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.Verdict;
import io.safeframe.report.Refusal;
import io.safeframe.report.intake.ReportIntake;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Coordinated campaigns: many new accounts sending near-identical content within a short window. Each observation is
 * stored (signature, account, category — never the text); when its cluster (signatures within the near-duplicate
 * distance, inside the window) holds enough distinct new accounts, one CAMPAIGN case opens with the accounts and their
 * categories as evidence. Later members join the campaign instead of opening another case. The cheap count runs
 * without a lock; only a cluster that reaches the threshold takes the per-kind lock and decides, so concurrent
 * observations of one campaign open exactly one case.
 */
@ApplicationScoped
public class CampaignDetector {

    static final String RULE = "trends:campaign.near-identical";
    private static final int MAX_EVIDENCE = 50;

    private final Pool pool;
    private final TrendSettings settings;
    private final ReportIntake intake;
    private final MeterRegistry registry;

    public CampaignDetector(Pool pool, TrendSettings settings, ReportIntake intake, MeterRegistry registry) {
        this.pool = pool;
        this.settings = settings;
        this.intake = intake;
        this.registry = registry;
        // at 0 from the start, so the alert's increase() sees the first campaign
        registry.counter("safeframe_campaigns_total", "kind", "PROMPT");
    }

    public Uni<ObservationResult> observe(ContentObservation observation) {
        String account = Refusal.requireText(observation.getContext().getAccountId(), "context.account_id", 200);
        String kind = observation.getKind();
        if (!"PROMPT".equals(kind)) {
            throw Refusal.invalid("kind must be PROMPT");
        }
        String category = observation.getCategory().isBlank() ? null : Refusal.requireText(observation.getCategory(), "category", 64);
        boolean flagged = observation.getDecision() == Decision.REVIEW || observation.getDecision() == Decision.BLOCK;
        long signature = observation.getSignature();
        Integer[] bands = Signatures.bands(signature);
        java.util.concurrent.atomic.AtomicBoolean opened = new java.util.concurrent.atomic.AtomicBoolean();
        return pool.withTransaction(conn -> conn.preparedQuery("insert into account_first_seen (account_id) values ($1) on conflict do nothing")
                .execute(Tuple.of(account))
                .chain(() -> conn.preparedQuery("""
                        insert into content_observation (kind, signature, bands, account_id, category, flagged)
                        values ($1, $2, $3, $4, $5, $6)""").execute(Tuple.of(kind, signature, bands, account, category, flagged)))
                // a member of a campaign already open joins it, whatever the count around its own signature
                .chain(() -> join(conn, kind, signature, bands))
                .chain(joined -> joined != null ? Uni.createFrom().item(joined)
                        : cluster(conn, kind, signature, bands).chain(members -> distinctAccounts(members) < settings.campaign().minAccounts()
                                ? Uni.createFrom().item(ObservationResult.getDefaultInstance())
                                // decided under the lock: a concurrent member may have opened it meanwhile
                                : ReportIntake.lock(conn, "campaign:" + kind).chain(() -> join(conn, kind, signature, bands))
                                        .chain(again -> again != null ? Uni.createFrom().item(again)
                                                : cluster(conn, kind, signature, bands)
                                                        .chain(locked -> open(conn, observation.getContext(), kind, signature, bands, locked, opened))))))
                // counted once committed
                .invoke(() -> {
                    if (opened.get()) {
                        registry.counter("safeframe_campaigns_total", "kind", kind).increment();
                    }
                });
    }

    /** The observations within the window whose signature is near this one, from new accounts only. */
    private Uni<List<Row>> cluster(SqlConnection conn, String kind, long signature, Integer[] bands) {
        return conn.preparedQuery("""
                select o.account_id, o.category, o.flagged, o.observed_at, o.signature
                from content_observation o join account_first_seen a on a.account_id = o.account_id
                where o.kind = $1 and o.bands && $2 and o.observed_at > now() - make_interval(secs => $3)
                  and a.first_seen > now() - make_interval(secs => $4)
                order by o.observed_at""")
                .execute(Tuple.of(kind, bands, (double) settings.campaign().window().toSeconds(),
                        (double) settings.campaign().newAccountAge().toSeconds()))
                .map(rows -> {
                    List<Row> out = new ArrayList<>();
                    rows.forEach(r -> {
                        if (Signatures.nearIdentical(signature, r.getLong("signature"))) {
                            out.add(r);
                        }
                    });
                    return out;
                });
    }

    private static long distinctAccounts(List<Row> members) {
        return members.stream().map(r -> r.getString("account_id")).distinct().count();
    }

    /** The open campaign (seen within the window) whose signature is near-identical to this one, joined; else null. */
    private Uni<ObservationResult> join(SqlConnection conn, String kind, long signature, Integer[] bands) {
        return conn.preparedQuery("""
                select campaign_id, case_id, signature from campaign where kind = $1 and bands && $2
                  and last_seen > now() - make_interval(secs => $3) order by last_seen desc""")
                .execute(Tuple.of(kind, bands, (double) settings.campaign().window().toSeconds()))
                .chain(rows -> {
                    for (Row r : rows) {
                        if (Signatures.nearIdentical(signature, r.getLong("signature"))) {
                            return conn.preparedQuery("update campaign set last_seen = now() where campaign_id = $1")
                                    .execute(Tuple.of(r.getUUID("campaign_id")))
                                    .replaceWith(ObservationResult.newBuilder().setCampaignCaseId(r.getUUID("case_id").toString()).build());
                        }
                    }
                    return Uni.createFrom().nullItem();
                });
    }

    /** A new CAMPAIGN case for a cluster that reached the threshold (under the per-kind lock). */
    private Uni<ObservationResult> open(SqlConnection conn, RequestContext ctx, String kind, long signature, Integer[] bands, List<Row> members,
            java.util.concurrent.atomic.AtomicBoolean opened) {
        if (distinctAccounts(members) < settings.campaign().minAccounts()) {
            return Uni.createFrom().item(ObservationResult.getDefaultInstance());
        }
        UUID campaign = UUID.randomUUID();
        EnqueueRequest request = EnqueueRequest.newBuilder()
                .setContext(ctx.toBuilder().setActor("report-service:trends"))
                .setTarget(Target.newBuilder().setKind(TargetKind.CAMPAIGN).setId(campaign.toString()))
                .setMachineVerdict(verdict(kind, members)).build();
        return intake.enqueue(conn, request).call(ref -> conn.preparedQuery("""
                insert into campaign (campaign_id, kind, signature, bands, case_id) values ($1, $2, $3, $4, $5)""")
                .execute(Tuple.of(campaign, kind, signature, bands, UUID.fromString(ref.getCaseId()))))
                .invoke(() -> opened.set(true))
                .map(ref -> ObservationResult.newBuilder().setCampaignCaseId(ref.getCaseId()).build());
    }

    /**
     * The case's machine verdict: REVIEW, the most common flagged category of the members (else "other": a campaign
     * of harmless-looking content is still coordinated behaviour), and one evidence line per member account.
     */
    private Verdict verdict(String kind, List<Row> members) {
        Map<String, Long> flaggedByCategory = new LinkedHashMap<>();
        Map<String, Row> byAccount = new LinkedHashMap<>();
        for (Row r : members) {
            byAccount.putIfAbsent(r.getString("account_id"), r);
            if (r.getBoolean("flagged") && r.getString("category") != null) {
                flaggedByCategory.merge(r.getString("category"), 1L, Long::sum);
            }
        }
        String category = flaggedByCategory.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("other");
        long flagged = members.stream().filter(r -> r.getBoolean("flagged")).count();
        Verdict.Builder v = Verdict.newBuilder().setDecision(Decision.REVIEW).setSource("trends").setRuleId(RULE)
                .setVerdictId(UUID.randomUUID().toString())
                .addCategories(CategoryScore.newBuilder().setCategory(category).setScore((double) flagged / members.size()))
                .setReason(byAccount.size() + " accounts first seen in the last " + settings.campaign().newAccountAge().toDays()
                        + " days sent " + members.size() + " near-identical " + kind.toLowerCase() + "s within "
                        + settings.campaign().window().toMinutes() + " minutes (" + flagged + " flagged)");
        byAccount.values().stream().limit(MAX_EVIDENCE).forEach(r -> v.addEvidence(Evidence.newBuilder().setRuleId(RULE)
                .setCategory(r.getString("category") == null ? "" : r.getString("category"))
                .setMatched("account " + r.getString("account_id") + " at " + r.getOffsetDateTime("observed_at")
                        + (r.getBoolean("flagged") ? " (flagged)" : ""))
                .setTimestampMs(-1).setModality("text")));
        return v.build();
    }
}
