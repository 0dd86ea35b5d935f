package io.safeframe.policy.window;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.WindowedScreening;
import io.safeframe.policy.audit.AuditKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The retained window of recent screenings (docs/policy-lifecycle.md, "Backtest on recent live screenings"): every
 * screened prompt, encrypted, with the live decision of the time, kept for a short configured time so a candidate
 * policy can be replayed on what users really send. Encrypted at rest (AES-256-GCM, a fresh nonce per row, the
 * target as associated data so a row's text cannot be moved to another job); the key is derived from the audit HMAC
 * key ring, so destroying a key version makes its rows unreadable. A retention of zero keeps nothing.
 */
@ApplicationScoped
public class ScreeningWindow {

    private static final Logger LOG = Logger.getLogger(ScreeningWindow.class);
    static final String KEY_PURPOSE = "safeframe/screening-window/v1";
    public static final int MAX_LIST = 5000;
    /**
     * Text per answer: the gateway passes the lines on to prompt-guard in one message, and gRPC refuses messages over
     * 4 MiB; 3 MB of prompts leaves room for the policy document and framing. Long prompts make the window shorter.
     */
    static final int MAX_TEXT_BYTES = 3_000_000;
    private static final int TAG_BITS = 128;
    private static final int NONCE_BYTES = 12;

    private final Pool pool;
    private final AuditKeys keys;
    private final Duration retention;
    private final SecureRandom random = new SecureRandom();

    public ScreeningWindow(Pool pool, AuditKeys keys, @ConfigProperty(name = "safeframe.screening-window.retention") Duration retention) {
        this.pool = pool;
        this.keys = keys;
        this.retention = retention;
    }

    public Duration retention() {
        return retention;
    }

    public boolean keeps() {
        return !retention.isZero() && !retention.isNegative();
    }

    /** Keeps one screening; the caller's request never fails over it (the window is for evaluation, not for safety). */
    public Uni<Void> record(String accountId, String target, String decision, String ruleId, String policyVersion, String text) {
        if (!keeps() || text == null || text.isEmpty() || target == null || target.isBlank()) {
            return Uni.createFrom().voidItem();
        }
        AuditKeys.DerivedKey key = keys.derived(KEY_PURPOSE);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, key.key(), nonce, target, text.getBytes(StandardCharsets.UTF_8));
        return pool.preparedQuery("insert into screening_window (account_id, target, decision, rule_id, policy_version, key_id, nonce, ciphertext)"
                + " values ($1, $2, $3, $4, $5, $6, $7, $8)")
                .execute(Tuple.from(new Object[] { accountId, target, decision == null ? "BLOCK" : decision, nullToEmpty(ruleId),
                        nullToEmpty(policyVersion), key.keyId(), io.vertx.core.buffer.Buffer.buffer(nonce),
                        io.vertx.core.buffer.Buffer.buffer(sealed) }))
                .onFailure().invoke(f -> LOG.warnf("screening of %s not kept in the window: %s", target, f.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Newest first, decrypted, at most {@code limit} rows and {@link #MAX_TEXT_BYTES} of text. Rows whose key version is gone (rotated out and destroyed) are skipped, and so are rows
     * that fail authentication (altered, or moved to another target): they are logged, never replayed.
     */
    public Uni<List<WindowedScreening>> list(int hours, int limit, Instant now) {
        int n = limit <= 0 || limit > MAX_LIST ? MAX_LIST : limit;
        Instant since = hours <= 0 ? now.minus(retention) : now.minus(Duration.ofHours(hours));
        return pool.preparedQuery("select target, decision, rule_id, policy_version, key_id, nonce, ciphertext, recorded_at"
                + " from screening_window where recorded_at >= $1 order by recorded_at desc, id desc limit $2")
                .execute(Tuple.of(OffsetDateTime.ofInstant(since, ZoneOffset.UTC), n))
                .map(rows -> {
                    List<WindowedScreening> out = new ArrayList<>();
                    long bytes = 0;
                    for (Row r : rows) {
                        java.util.Optional<WindowedScreening> s = open(r);
                        if (s.isEmpty()) {
                            continue;
                        }
                        bytes += s.get().getText().getBytes(StandardCharsets.UTF_8).length;
                        if (bytes > MAX_TEXT_BYTES) {
                            break;
                        }
                        out.add(s.get());
                    }
                    return out;
                });
    }

    @io.quarkus.scheduler.Scheduled(every = "${safeframe.screening-window.purge-every}", concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = io.quarkus.scheduler.Scheduled.ApplicationNotRunning.class)
    Uni<Void> purgeOnSchedule() {
        return purge(Instant.now()).invoke(n -> {
            if (n > 0) {
                LOG.infof("screening window: %d screenings older than %s deleted", n, retention);
            }
        }).onFailure().invoke(f -> LOG.warnf("screening window purge failed: %s", f.toString())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes everything recorded before {@code now − retention}; returns how many rows went. */
    public Uni<Integer> purge(Instant now) {
        return pool.preparedQuery("delete from screening_window where recorded_at < $1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(now.minus(retention), ZoneOffset.UTC))).map(rows -> rows.rowCount());
    }

    private java.util.Optional<WindowedScreening> open(Row r) {
        String target = r.getString("target");
        return keys.derived(KEY_PURPOSE, r.getString("key_id")).flatMap(key -> {
            byte[] plain;
            try {
                plain = crypt(Cipher.DECRYPT_MODE, key.key(), r.getBuffer("nonce").getBytes(), target, r.getBuffer("ciphertext").getBytes());
            } catch (IllegalStateException e) {
                LOG.errorf("screening window row for %s fails authentication; left out: %s", target, e.getMessage());
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(WindowedScreening.newBuilder().setText(new String(plain, StandardCharsets.UTF_8)).setTarget(target)
                    .setDecision(Decision.valueOf(r.getString("decision"))).setRuleId(r.getString("rule_id"))
                    .setPolicyVersion(r.getString("policy_version")).setRecordedAt(r.getOffsetDateTime("recorded_at").toInstant().toString())
                    .build());
        });
    }

    private static byte[] crypt(int mode, byte[] key, byte[] nonce, String target, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(target.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("screening window: " + e.getMessage(), e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
