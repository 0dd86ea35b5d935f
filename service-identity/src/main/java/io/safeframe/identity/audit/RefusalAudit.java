package io.safeframe.identity.audit;

/**
 * Where refusals are recorded. Every service logs them as a structured security event ({@link LoggedRefusals});
 * policy-service, which keeps the audit chain, also appends them to it.
 */
public interface RefusalAudit {

    void record(Refusal refusal);
}
