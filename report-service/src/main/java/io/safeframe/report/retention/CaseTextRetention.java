package io.safeframe.report.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.report.enforcement.Outbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * report-service's retention (docs/retention.md): what people wrote is kept only as long as someone may still need to
 * read it. A decided case loses its free text — reporters' explanations, the appellant's explanation, the dispute
 * reason, the prompt — once {@code safeframe.retention.decided-case-text} has passed since the decision and no appeal
 * on it is pending (six months by default: the EU DSA lets a user complain for at least six months after a decision,
 * Art. 20(1)). The decision, its statement of reasons and the strike stay: they are the platform's record and feed the
 * transparency reports. Safety labels lose their prompt after {@code label-prompt} (datasets already made keep their own
 * scrubbed copies); delivered webhook events are deleted after {@code delivered-webhooks}. Batches lock their cases
 * ({@code FOR UPDATE SKIP LOCKED}) so replicas never purge the same one; every transaction that removed something writes
 * one audit event with its counts in that transaction. The case text is never removed while an appeal can still be
 * filed (the configured time is raised to {@code safeframe.report.appeal-window} if shorter).
 */
@ApplicationScoped
public class CaseTextRetention {

    private static final Logger LOG = Logger.getLogger(CaseTextRetention.class);

    /** What one run removed. */
    public record Purged(int cases, int labels, int webhookEvents) {

        boolean nothing() {
            return cases == 0 && labels == 0 && webhookEvents == 0;
        }
    }

    private final Pool pool;
    private final Outbox outbox;
    private final Duration decidedCaseText;
    private final Duration labelPrompt;
    private final Duration deliveredWebhooks;
    private final int batch;

    public CaseTextRetention(Pool pool, Outbox outbox, io.safeframe.report.config.ReportSettings settings,
            @ConfigProperty(name = "safeframe.retention.decided-case-text") Duration decidedCaseText,
            @ConfigProperty(name = "safeframe.retention.label-prompt") Duration labelPrompt,
            @ConfigProperty(name = "safeframe.retention.delivered-webhooks") Duration deliveredWebhooks,
            @ConfigProperty(name = "safeframe.retention.batch") int batch) {
        this.pool = pool;
        this.outbox = outbox;
        // never before an appeal can no longer be filed: the moderator reviewing it needs what was reported
        this.decidedCaseText = decidedCaseText.compareTo(settings.appealWindow()) < 0 ? settings.appealWindow() : decidedCaseText;
        if (decidedCaseText.compareTo(settings.appealWindow()) < 0) {
            LOG.warnf("safeframe.retention.decided-case-text %s is shorter than the appeal window %s: using the appeal window",
                    decidedCaseText, settings.appealWindow());
        }
        this.labelPrompt = labelPrompt;
        this.deliveredWebhooks = deliveredWebhooks;
        this.batch = batch;
    }

    @Scheduled(every = "${safeframe.retention.every}", delay = 1, delayUnit = java.util.concurrent.TimeUnit.MINUTES,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduled() {
        return purge(Instant.now()).onFailure().invoke(e -> LOG.warnf("retention purge failed (retried at the next run): %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Purges everything due at {@code now}. Every transaction that removed something writes its own audit event with its
     * counts, so nothing is ever removed without a record even when a later step fails.
     */
    public Uni<Purged> purge(Instant now) {
        OffsetDateTime casesBefore = now.minus(decidedCaseText).atOffset(ZoneOffset.UTC);
        OffsetDateTime labelsBefore = now.minus(labelPrompt).atOffset(ZoneOffset.UTC);
        OffsetDateTime webhooksBefore = now.minus(deliveredWebhooks).atOffset(ZoneOffset.UTC);
        return caseBatches(casesBefore, 0).chain(cases -> pool.withTransaction(conn -> conn
                .preparedQuery("update safety_label set prompt_text = null where prompt_text is not null and labelled_at < $1")
                .execute(Tuple.of(labelsBefore)).chain(labels -> conn
                        .preparedQuery("delete from webhook_event where state = 'DELIVERED' and delivered_at < $1").execute(Tuple.of(webhooksBefore))
                        .map(hooks -> new Purged(0, labels.rowCount(), hooks.rowCount())))
                .call(purged -> purged.nothing() ? Uni.createFrom().voidItem()
                        : audit(conn, "safety_label,webhook_event", purged, "label prompts " + labelPrompt + ", delivered webhooks " + deliveredWebhooks,
                                Map.of("labels_before", labelsBefore.toString(), "webhooks_delivered_before", webhooksBefore.toString()))))
                .map(rest -> new Purged(cases, rest.labels(), rest.webhookEvents())));
    }

    private Uni<Integer> caseBatches(OffsetDateTime before, int sofar) {
        return pool.withTransaction(conn -> caseBatch(conn, before).call(n -> n == 0 ? Uni.createFrom().voidItem()
                : audit(conn, "report_case", new Purged(n, 0, 0), "case text " + decidedCaseText + " after the decision",
                        Map.of("cases_decided_before", before.toString()))))
                .chain(n -> n < batch ? Uni.createFrom().item(sofar + n) : caseBatches(before, sofar + n));
    }

    private Uni<Integer> caseBatch(SqlConnection conn, OffsetDateTime before) {
        return conn.preparedQuery("""
                select c.case_id from report_case c
                where c.state = 'DECIDED' and c.text_purged_at is null and c.decided_at < $1
                  and not exists (select 1 from decision d join appeal a on a.decision_id = d.decision_id
                                  where d.case_id = c.case_id and a.state = 'PENDING')
                order by c.decided_at limit $2 for update of c skip locked""").execute(Tuple.of(before, batch))
                .chain(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID("case_id")));
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    UUID[] cases = ids.toArray(UUID[]::new);
                    return conn.preparedQuery("update report set explanation = '' where case_id = any($1)").execute(Tuple.of(cases))
                            .chain(() -> conn.preparedQuery("update appeal set explanation = '' where decision_id in "
                                    + "(select decision_id from decision where case_id = any($1))").execute(Tuple.of(cases)))
                            .chain(() -> conn.preparedQuery("update dispute set reason = null where case_id = any($1)").execute(Tuple.of(cases)))
                            .chain(() -> conn.preparedQuery("update report_case set prompt_text = null, text_purged_at = now() where case_id = any($1)")
                                    .execute(Tuple.of(cases)))
                            .map(updated -> updated.rowCount());
                });
    }

    private Uni<Void> audit(SqlConnection conn, String target, Purged purged, String rule, Map<String, String> cutoffs) {
        RequestContext ctx = RequestContext.newBuilder().setActor("retention").setCorrelationId("retention-" + UUID.randomUUID()).build();
        Map<String, String> attributes = new java.util.HashMap<>(cutoffs);
        attributes.put("cases", Integer.toString(purged.cases()));
        attributes.put("labels", Integer.toString(purged.labels()));
        attributes.put("webhook_events", Integer.toString(purged.webhookEvents()));
        return outbox.audit(conn, ctx, null, "retention.purged", target, Decision.ALLOW, "retention: " + rule, attributes);
    }
}
