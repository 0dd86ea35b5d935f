package io.safeframe.policy.identity;

import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.safeframe.identity.audit.LoggedRefusals;
import io.safeframe.identity.audit.Refusal;
import io.safeframe.identity.audit.RefusalAudit;
import io.safeframe.policy.audit.AuditEntry;
import io.safeframe.policy.audit.AuditLog;

/**
 * policy-service keeps the audit chain, so a refused internal call is appended to it (action
 * "identity.refused", actor "service-identity": the claimed actor is exactly what was not believed, so it goes in
 * an attribute) besides the security log line every service writes.
 */
@ApplicationScoped
public class ChainedRefusals implements RefusalAudit {

    private static final Logger LOG = Logger.getLogger(ChainedRefusals.class);

    private final AuditLog audit;

    public ChainedRefusals(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void record(Refusal refusal) {
        LoggedRefusals.log(refusal);
        Map<String, String> attributes = new TreeMap<>();
        attributes.put("caller", refusal.caller().isEmpty() ? "none" : refusal.caller());
        attributes.put("status", refusal.status());
        attributes.put("enforced", Boolean.toString(refusal.enforced()));
        if (!refusal.claimedActor().isEmpty()) {
            attributes.put("claimed_actor", refusal.claimedActor());
        }
        audit.append(AuditEntry.draft("service-identity", null, "identity.refused", refusal.method(), "BLOCK",
                refusal.reason(), refusal.correlationId().isEmpty() ? null : refusal.correlationId(), null, attributes))
                .subscribe().with(entry -> {
                }, failure -> LOG.errorf(failure, "could not append an identity refusal to the audit chain: %s", refusal));
    }
}
