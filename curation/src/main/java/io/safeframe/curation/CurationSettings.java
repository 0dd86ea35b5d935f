package io.safeframe.curation;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the checking services are and who we are. Flags win over environment variables; the defaults are the local
 * stack's (./safeframe up: gRPC over mutual TLS on the HTTPS ports, certificates in data/identity).
 *
 * @param identityDir tls.crt, tls.key, ca.crt of the {@code curation} identity (cert-manager's Secret layout)
 * @param parallel media items checked at once per shard
 * @param retryBudgetSeconds how long one item may wait for a busy or absent service before it is unchecked
 * @param maxMediaBytes larger files are dropped as unreadable, never read whole
 * @param s3Endpoint an S3-compatible store for s3:// media (empty: AWS S3); credentials from the AWS SDK's default chain
 */
public record CurationSettings(String guard, String frames, String verify, Path identityDir, int parallel, long maxMediaBytes,
        long retryBudgetSeconds, String s3Endpoint, String s3Region) {

    public static final long DEFAULT_MAX_MEDIA_BYTES = 64L << 20; // as /v1/verify accepts

    public static CurationSettings from(Map<String, String> flags, Map<String, String> env) {
        return new CurationSettings(
                pick(flags, "guard", env, "SAFEFRAME_GUARD_TARGET", "127.0.0.1:8442"),
                pick(flags, "frames", env, "SAFEFRAME_FRAMES_TARGET", "127.0.0.1:8443"),
                pick(flags, "verify", env, "SAFEFRAME_VERIFY_TARGET", "127.0.0.1:8447"),
                Path.of(pick(flags, "identity", env, "SAFEFRAME_IDENTITY_DIR", "data/identity/curation")),
                Integer.parseInt(pick(flags, "parallel", env, "SAFEFRAME_CURATION_PARALLEL", "2")),
                Long.parseLong(pick(flags, "max-media-bytes", env, "SAFEFRAME_CURATION_MAX_MEDIA_BYTES", Long.toString(DEFAULT_MAX_MEDIA_BYTES))),
                Long.parseLong(pick(flags, "retry-budget-seconds", env, "SAFEFRAME_CURATION_RETRY_BUDGET_SECONDS", "300")),
                pick(flags, "s3-endpoint", env, "SAFEFRAME_CURATION_S3_ENDPOINT", ""),
                pick(flags, "s3-region", env, "SAFEFRAME_CURATION_S3_REGION", "us-east-1"));
    }

    private static String pick(Map<String, String> flags, String flag, Map<String, String> env, String variable, String fallback) {
        String v = flags.get(flag);
        if (v == null || v.isBlank()) {
            v = env.get(variable);
        }
        return v == null || v.isBlank() ? fallback : v;
    }
}
