package io.safeframe.frames.policy;

import java.nio.charset.StandardCharsets;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.safeframe.frames.classify.ClassifierPolicy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The classifier policy in force (docs/policy-lifecycle.md, "Other policy kinds"). With the policy store off (tests,
 * the CLI) it is the policy this build carries. With the store on it is the store's live version, installed by
 * {@link ClassifierPolicySource}: until one is installed nothing is classified (fail closed, and the instance is not
 * ready); a version that does not parse is refused and the last good one stays.
 */
@ApplicationScoped
public class ClassifierPolicyHolder {

    private static final Logger LOG = Logger.getLogger(ClassifierPolicyHolder.class);

    /** No policy to classify with yet: the caller gets UNAVAILABLE and retries; nothing is judged without rules. */
    public static final class NoPolicy extends RuntimeException {
        NoPolicy() {
            super("no classifier policy loaded yet (the policy store has not answered)");
        }
    }

    /** The policy and the store version it came from (0: the built-in policy); labels are not unique, numbers are. */
    public record InForce(ClassifierPolicy policy, int storeVersion) {
    }

    private final boolean fromStore;
    private volatile InForce current;

    public ClassifierPolicyHolder(@ConfigProperty(name = "safeframe.frames.policy-store.enabled") boolean fromStore) {
        this.fromStore = fromStore;
        this.current = fromStore ? null : new InForce(ClassifierPolicy.fromClasspath(), 0);
    }

    public boolean fromStore() {
        return fromStore;
    }

    public ClassifierPolicy current() {
        return inForce().policy();
    }

    public InForce inForce() {
        InForce now = current;
        if (now == null) {
            throw new NoPolicy();
        }
        return now;
    }

    public boolean loaded() {
        return current != null;
    }

    /** The store version in force; 0 for none (or the built-in policy). */
    public int storeVersion() {
        InForce now = current;
        return now == null ? 0 : now.storeVersion();
    }

    /** Installs store version {@code version}; returns what happened ("installed …" or "refused: …"). */
    public String install(int version, String document) {
        try {
            ClassifierPolicy parsed = ClassifierPolicy.parse(document.getBytes(StandardCharsets.UTF_8));
            current = new InForce(parsed, version);
            LOG.infof("classifier policy v%d (%s) in force", version, parsed.version());
            return "installed v" + version + " (" + parsed.version() + ")";
        } catch (ClassifierPolicy.Invalid e) {
            LOG.errorf("classifier policy v%d refused, %s stays: %s", version, loaded() ? "v" + storeVersion() : "nothing", e.getMessage());
            return "refused: " + e.getMessage();
        }
    }
}
