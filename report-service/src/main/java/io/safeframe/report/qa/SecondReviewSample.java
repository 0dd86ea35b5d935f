package io.safeframe.report.qa;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Which decided cases get a blind second review. The choice is a hash of the case id, not a random draw: a rerun (or
 * a replica deciding the same case) makes the same choice, and nobody can steer a case in or out of the sample. The
 * row is written in the decision's own transaction, so a decision never exists without its sampling outcome.
 */
@ApplicationScoped
public class SecondReviewSample {

    private final double share;

    public SecondReviewSample(@ConfigProperty(name = "safeframe.qa.second-review-share", defaultValue = "0.1") double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("safeframe.qa.second-review-share must be between 0 and 1, not " + share);
        }
        this.share = share;
    }

    /** True when the case falls in the sample: the first 8 bytes of SHA-256("qa:" + id), as a fraction of 2^64, below the share. */
    public static boolean sampled(UUID caseId, double share) {
        if (share >= 1) {
            return true;
        }
        return fraction(caseId) < share;
    }

    /** Uniform in [0, 1) over case ids. */
    static double fraction(UUID caseId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("qa:" + caseId).getBytes(StandardCharsets.US_ASCII));
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (h[i] & 0xff);
            }
            // the top 53 bits, as a double in [0, 1) without rounding up to 1
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Called inside the decision's transaction: queues the second review when the case is in the sample. */
    public Uni<Void> afterDecision(SqlConnection conn, UUID caseId, UUID decisionId, String queue) {
        if (!sampled(caseId, share)) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("insert into qa_review (case_id, decision_id, queue, state, sampled_at) values ($1, $2, $3, 'OPEN', now())")
                .execute(Tuple.of(caseId, decisionId, queue)).replaceWithVoid();
    }
}
