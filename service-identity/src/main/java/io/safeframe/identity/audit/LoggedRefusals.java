package io.safeframe.identity.audit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.arc.DefaultBean;

/**
 * The default record of a refusal: one WARN line on the "safeframe.security" logger with key=value fields (a JSON
 * log record in prod), for the log pipeline's security alerts. A service with a better place overrides this bean.
 */
@DefaultBean
@ApplicationScoped
public class LoggedRefusals implements RefusalAudit {

    private static final Logger LOG = Logger.getLogger("safeframe.security");

    @Override
    public void record(Refusal refusal) {
        log(refusal);
    }

    public static void log(Refusal r) {
        LOG.warnf("event=identity.refused enforced=%s status=%s method=%s caller=%s claimed_actor=%s correlation_id=%s reason=\"%s\"",
                r.enforced(), r.status(), r.method(), r.caller().isEmpty() ? "-" : r.caller(),
                r.claimedActor().isEmpty() ? "-" : r.claimedActor(), r.correlationId().isEmpty() ? "-" : r.correlationId(),
                r.reason());
    }
}
