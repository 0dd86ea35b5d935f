package io.safeframe.policy.tier;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.safeframe.policy.lifecycle.PolicyStore;
import io.safeframe.policy.lifecycle.StoredVersion;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The usage limits of every tier, as in force now. Tiers are a kind of the policy store (docs/policy-lifecycle.md):
 * a change is drafted, approved by a second person and made live like any safety rule, and this catalogue follows the
 * live version of kind {@code tiers}. The built-in tiers (application.properties, or in Kubernetes the usage-tiers
 * ConfigMap named by safeframe.usage.tiers-file) only seed an empty store and apply until the store first answers.
 * A live version that no longer validates (a tier the configuration needs is gone) is refused and the tiers in force
 * stay: the last good version, never none.
 */
@ApplicationScoped
public class TierCatalogue {

    public static final String KIND = "tiers";
    private static final Logger LOG = Logger.getLogger(TierCatalogue.class);
    private static final String[] KEYS = { "generations-per-day", "burst-per-minute", "max-video-seconds", "concurrent-jobs" };

    public record UsageLimits(int generationsPerDay, int burstPerMinute, int maxVideoSeconds, int concurrentJobs) {
    }

    public static final class InvalidTiers extends RuntimeException {
        public InvalidTiers(String message) {
            super(message);
        }
    }

    /** The tiers in force and the store version they came from (0: the built-in tiers). */
    private record InForce(Map<String, UsageLimits> tiers, int version, String label) {
    }

    private final AtomicReference<InForce> inForce = new AtomicReference<>();
    private final Map<String, UsageLimits> builtIn;
    private final UsagePolicies config;
    private final PolicyStore store;
    private final boolean followStore;

    public TierCatalogue(UsagePolicies config, PolicyStore store) {
        this.config = config;
        this.store = store;
        this.followStore = config.followStore();
        Map<String, UsageLimits> fromConfig = new HashMap<>();
        config.tiers().forEach((name, p) -> fromConfig.put(name,
                new UsageLimits(p.generationsPerDay(), p.burstPerMinute(), p.maxVideoSeconds(), p.concurrentJobs())));
        Map<String, UsageLimits> seed = validated(fromConfig);
        Optional<Path> file = config.tiersFile().filter(f -> !f.isBlank()).map(Path::of);
        if (file.isPresent()) {
            try {
                seed = validated(parse(file.get()));
            } catch (IOException | InvalidTiers e) {
                LOG.errorf("usage tiers file %s refused, seeding from application.properties: %s", file.get(), e.getMessage());
            }
        }
        this.builtIn = seed;
        inForce.set(new InForce(seed, 0, "built-in"));
    }

    public UsageLimits policyFor(String tier) {
        UsageLimits limits = inForce.get().tiers().get(tier);
        if (limits == null) {
            throw new IllegalStateException("no usage policy configured for tier '" + tier + "'");
        }
        return limits;
    }

    /** The store version in force (0 while the built-in tiers apply). */
    public int version() {
        return inForce.get().version();
    }

    @Scheduled(every = "${safeframe.usage.reload-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledFollow() {
        return followStore ? follow().replaceWithVoid() : Uni.createFrom().voidItem();
    }

    /**
     * Reads the live tiers version (seeding an empty store with the built-in tiers) and applies it when it changed;
     * answers what happened (for logs and tests). A store that cannot be read keeps the tiers in force.
     */
    public Uni<String> follow() {
        return store.live(KIND)
                .chain(live -> live != null ? Uni.createFrom().item(live)
                        : store.seed(KIND, TierDocument.of("tiers-built-in", builtIn), new PolicyStore.Actor("policy-service", null)))
                .map(this::apply)
                .onFailure().recoverWithItem(f -> {
                    LOG.warnf("usage tiers: the policy store could not be read, keeping v%d: %s", version(), f.getMessage());
                    return "kept: " + f.getMessage();
                });
    }

    private String apply(StoredVersion live) {
        if (live == null || live.version() == version()) {
            return "unchanged";
        }
        try {
            inForce.set(new InForce(validated(TierDocument.parse(live.document())), live.version(), live.label()));
            LOG.infof("usage tiers: v%d (%s) in force: %s", live.version(), live.label(), inForce.get().tiers().keySet());
            return "applied v" + live.version();
        } catch (InvalidTiers e) {
            LOG.errorf("usage tiers: live v%d refused, keeping v%d: %s", live.version(), version(), e.getMessage());
            return "refused: " + e.getMessage();
        }
    }

    /** Format of the seed file: {@code <tier>.<key>=<positive int>} for the four keys, as in application.properties. */
    static Map<String, UsageLimits> parse(Path path) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path)) {
            p.load(r);
        }
        Map<String, int[]> values = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            int dot = key.indexOf('.');
            int field = dot < 0 ? -1 : java.util.Arrays.asList(KEYS).indexOf(key.substring(dot + 1));
            if (field < 0) {
                throw new InvalidTiers("unknown key '" + key + "'");
            }
            int value;
            try {
                value = Integer.parseInt(p.getProperty(key).trim());
            } catch (NumberFormatException e) {
                throw new InvalidTiers(key + " is not an integer");
            }
            values.computeIfAbsent(key.substring(0, dot), k -> new int[] { -1, -1, -1, -1 })[field] = value;
        }
        Map<String, UsageLimits> out = new HashMap<>();
        values.forEach((tier, v) -> {
            for (int i = 0; i < v.length; i++) {
                if (v[i] < 1) {
                    throw new InvalidTiers(tier + "." + KEYS[i] + " is missing or not positive");
                }
            }
            out.put(tier, new UsageLimits(v[0], v[1], v[2], v[3]));
        });
        return out;
    }

    /** The tiers the configuration names (the default and the throttled one) must exist. */
    Map<String, UsageLimits> validated(Map<String, UsageLimits> candidate) {
        for (String needed : new String[] { config.defaultTier(), config.throttledTier() }) {
            if (!candidate.containsKey(needed)) {
                throw new InvalidTiers("tier '" + needed + "' (default or throttled) is not defined");
            }
        }
        return Map.copyOf(candidate);
    }
}
