package io.safeframe.report.enforcement;

import java.util.Map;

import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.LiftSanctionRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.SanctionRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes calls for policy-service into the outbox table on the caller's connection, i.e. inside the caller's
 * transaction: the decision and its enforcement commit together or not at all. {@link OutboxRelay} delivers.
 */
@ApplicationScoped
public class Outbox {

    /** account: whom the event is about (it then shows in that account's /v1/me/decisions); null for none. */
    public Uni<Void> audit(SqlConnection conn, RequestContext ctx, String account, String action, String target, Decision decision,
            String reason, Map<String, String> attributes) {
        RequestContext about = ctx.toBuilder().setAccountId(account == null ? "" : account).build();
        AuditEvent event = AuditEvent.newBuilder().setContext(about).setAction(action).setTarget(target == null ? "" : target)
                .setDecision(decision).setReason(reason == null ? "" : reason).putAllAttributes(attributes).build();
        return put(conn, "AUDIT", event.toByteArray());
    }

    public Uni<Void> sanction(SqlConnection conn, SanctionRequest request) {
        return put(conn, "SANCTION", request.toByteArray());
    }

    public Uni<Void> lift(SqlConnection conn, LiftSanctionRequest request) {
        return put(conn, "LIFT", request.toByteArray());
    }

    private Uni<Void> put(SqlConnection conn, String kind, byte[] payload) {
        return conn.preparedQuery("insert into outbox (kind, payload) values ($1, $2)")
                .execute(Tuple.of(kind, io.vertx.core.buffer.Buffer.buffer(payload))).replaceWithVoid();
    }
}
