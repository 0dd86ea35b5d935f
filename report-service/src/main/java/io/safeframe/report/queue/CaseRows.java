package io.safeframe.report.queue;

import java.time.OffsetDateTime;

import com.google.protobuf.InvalidProtocolBufferException;

import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.LikenessTakedown;
import io.safeframe.api.v1.ReportSummary;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.Verdict;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;

/** report_case rows as API messages. */
public final class CaseRows {

    private CaseRows() {
    }

    public static CaseRef ref(Row row, boolean merged) {
        return CaseRef.newBuilder().setCaseId(row.getUUID("case_id").toString()).setReportCount(row.getInteger("report_count"))
                .setState(row.getString("state")).setPriority(row.getDouble("priority")).setMerged(merged)
                .setVersion(row.getLong("version")).build();
    }

    /** The case itself; reports, history and decision are added by the caller. */
    public static CaseDetail.Builder detail(Row row) {
        Target.Builder target = Target.newBuilder().setKind(TargetKind.valueOf(row.getString("target_kind")))
                .setId(row.getString("target_id")).setViews(row.getLong("views"));
        if (row.getString("owner_account") != null) {
            target.setOwnerAccountId(row.getString("owner_account"));
        }
        OffsetDateTime due = row.getOffsetDateTime("sla_due_at");
        CaseDetail.Builder b = CaseDetail.newBuilder().setRef(ref(row, false)).setTarget(target)
                .setCategory(row.getString("category")).setQueue(row.getString("queue")).setSource(row.getString("source"))
                .setCreatedAt(text(row.getOffsetDateTime("created_at"))).setSlaDueAt(text(due))
                .setLikenessTakedown(row.getBoolean("likeness_takedown"))
                .setSlaBreached(row.getOffsetDateTime("decided_at") == null ? due.isBefore(OffsetDateTime.now())
                        : row.getOffsetDateTime("decided_at").isAfter(due));
        if (row.getString("claimed_by") != null) {
            b.setClaimedBy(row.getString("claimed_by"));
        }
        if (row.getOffsetDateTime("lease_until") != null) {
            b.setLeaseUntil(text(row.getOffsetDateTime("lease_until")));
        }
        Buffer verdict = row.getBuffer("machine_verdict");
        if (verdict != null) {
            try {
                b.setMachineVerdict(Verdict.parseFrom(verdict.getBytes()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("stored machine verdict unreadable", e);
            }
        }
        return b;
    }

    /** A report row as moderators see it (anonymous reporters hidden); the reporter's trust is the caller's to add. */
    public static ReportSummary.Builder report(Row r) {
        ReportSummary.Builder b = ReportSummary.newBuilder()
                .setReportId(r.getUUID("report_id").toString()).setCategory(r.getString("category"))
                .setExplanation(r.getString("explanation")).setReporter(r.getBoolean("anonymous") ? "" : r.getString("reporter"))
                .setTrustedFlagger(r.getBoolean("trusted_flagger")).setFiledAt(text(r.getOffsetDateTime("created_at")));
        if (r.getString("takedown_use_id") != null) {
            b.setLikenessTakedown(LikenessTakedown.newBuilder().setUseId(r.getString("takedown_use_id"))
                    .setConsentReferenceId(r.getString("takedown_consent_ref") == null ? "" : r.getString("takedown_consent_ref"))
                    .setHandle(r.getString("takedown_handle") == null ? "" : r.getString("takedown_handle")));
        }
        return b;
    }

    public static String text(OffsetDateTime t) {
        return t == null ? "" : t.toInstant().toString();
    }
}
