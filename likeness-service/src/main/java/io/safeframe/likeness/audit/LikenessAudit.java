package io.safeframe.likeness.audit;

import java.util.Map;

import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.RequestContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consent changes as events for policy-service's audit chain: enrolled, audience set, granted, revoked, unenrolled,
 * takedown requested, protected person added/removed. Written to the outbox inside the transaction that makes the
 * change (a change and its event commit together or not at all); {@link AuditRelay} records them in the chain. Events
 * name the cameo id, the handle and accounts; never a descriptor or a photo.
 */
@ApplicationScoped
public class LikenessAudit {

    public Uni<Void> record(SqlClient sql, RequestContext context, String action, String target, String reason,
            Map<String, String> attributes) {
        AuditEvent event = AuditEvent.newBuilder().setContext(context).setAction(action).setTarget(target)
                .setDecision(Decision.ALLOW).setReason(reason).putAllAttributes(attributes).build();
        // the core Buffer: the pg client binds bytea from it (the Mutiny wrapper is refused as a parameter)
        return sql.preparedQuery("insert into audit_outbox (event) values ($1)").execute(Tuple.of(Buffer.buffer(event.toByteArray())))
                .replaceWithVoid();
    }
}
