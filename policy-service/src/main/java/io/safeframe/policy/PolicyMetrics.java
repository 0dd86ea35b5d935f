package io.safeframe.policy;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.safeframe.policy.audit.AuditVerifier;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * policy-service's domain series (docs/observability.md): quota refusals by reason, anomaly flags, and the health of
 * the audit chain — failed verifications and when it last verified intact.
 */
@ApplicationScoped
public class PolicyMetrics {

    // refusal codes are the ledger's constants (DAILY_QUOTA_EXHAUSTED, ACCOUNT_SUSPENDED, ...); never free text
    private static final Pattern CODE = Pattern.compile("[A-Z_]{1,40}");

    private final MeterRegistry meters;
    private final Counter verificationFailures;
    // held here: a Micrometer gauge keeps only a weak reference to what it reads
    private final AtomicLong lastVerified = new AtomicLong();

    public PolicyMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.verificationFailures = Counter.builder("safeframe.audit.verification.failures")
                .description("audit chain verifications that found the chain, a checkpoint or the witness not adding up").register(meters);
        // 0 until the first verification: "never verified" then reads as infinitely stale, which is what it is
        Gauge.builder("safeframe.audit.last.verified.timestamp", lastVerified, AtomicLong::get).baseUnit("seconds")
                .description("epoch seconds of the last verification that found the audit chain intact").register(meters);
    }

    /** An Authorize answered with a refusal; {@code code} is its refusal code. */
    public void refused(String code) {
        meters.counter("safeframe.quota.refusals", "reason", code != null && CODE.matcher(code).matches() ? code : "OTHER").increment();
    }

    /** An account flagged (and throttled) on {@code signal}: requests, blocked or reviewed. */
    public void anomalyFlagged(String signal) {
        Counter.builder("safeframe.anomaly.flags").description("accounts flagged and throttled by the usage anomaly detector")
                .tag("signal", signal).register(meters).increment();
    }

    /** The outcome of one verification of the whole chain (scheduled or asked for over VerifyAudit). */
    public void verified(AuditVerifier.Report report) {
        if (report.intact()) {
            lastVerified.set(Instant.now().getEpochSecond());
        } else {
            verificationFailures.increment();
        }
    }
}
