package io.safeframe.report.identity;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import io.safeframe.identity.audit.LoggedRefusals;
import io.safeframe.identity.audit.Refusal;
import io.safeframe.identity.audit.RefusalAudit;

/** Tests only: report-service's refusal audit (the security log line), also kept in memory to be asserted. */
@Alternative
@Priority(1)
@ApplicationScoped
public class RecordedRefusals implements RefusalAudit {

    private final List<Refusal> recorded = new CopyOnWriteArrayList<>();

    @Override
    public void record(Refusal refusal) {
        LoggedRefusals.log(refusal);
        recorded.add(refusal);
    }

    public List<Refusal> recorded() {
        return recorded;
    }
}
