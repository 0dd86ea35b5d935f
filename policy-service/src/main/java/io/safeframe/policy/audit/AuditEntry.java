package io.safeframe.policy.audit;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One audit event as stored. Prompts never appear here, only their keyed hash ({@code promptHmac}).
 * Attributes are kept sorted so the canonical form, and with it the hash, is stable. Serialised to JSON by the
 * export, hence registered for reflection (native image).
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record AuditEntry(
        long seq,
        Instant occurredAt,
        String actor,
        String accountId,
        String action,
        String target,
        String decision,
        String reason,
        String correlationId,
        String promptHmac,
        TreeMap<String, String> attributes,
        String prevHash,
        String eventHash,
        Subjects subjects) {

    /** An event without subject commitments (sealed before V9, or read from an older export). */
    public AuditEntry(long seq, Instant occurredAt, String actor, String accountId, String action, String target,
            String decision, String reason, String correlationId, String promptHmac, TreeMap<String, String> attributes,
            String prevHash, String eventHash) {
        this(seq, occurredAt, actor, accountId, action, target, decision, reason, correlationId, promptHmac, attributes,
                prevHash, eventHash, null);
    }

    public static AuditEntry draft(String actor, String accountId, String action, String target, String decision,
            String reason, String correlationId, String promptHmac, Map<String, String> attributes) {
        return new AuditEntry(0, null, actor, accountId, action, target, decision, reason, correlationId, promptHmac,
                new TreeMap<>(attributes == null ? Map.of() : attributes), null, null);
    }

    /** Every event sealed from V9 on commits to its actor and account with fresh salts (erasable, {@link Subjects}). */
    AuditEntry sealed(long seq, Instant at, String prevHash) {
        Subjects s = subjects == null ? Subjects.fresh() : subjects;
        AuditEntry unsealed = new AuditEntry(seq, at, actor, accountId, action, target, decision, reason, correlationId,
                promptHmac, attributes, prevHash, null, s);
        return new AuditEntry(seq, at, actor, accountId, action, target, decision, reason, correlationId, promptHmac,
                attributes, prevHash, AuditChain.hashOf(unsealed), s);
    }
}
