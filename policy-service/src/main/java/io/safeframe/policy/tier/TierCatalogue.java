package io.safeframe.policy.tier;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The usage limits of every tier, as in force now. They start from application.properties; when
 * safeframe.usage.tiers-file names a file (a ConfigMap mount in Kubernetes) it overrides them and is re-read when
 * it changes, so an SRE changes a tier with kubectl apply. A file that does not validate is refused and the
 * limits in force stay.
 */
@ApplicationScoped
public class TierCatalogue {

    private static final Logger LOG = Logger.getLogger(TierCatalogue.class);
    private static final String[] FIELDS = { "generations-per-day", "burst-per-minute", "max-video-seconds", "concurrent-jobs" };

    public record UsageLimits(int generationsPerDay, int burstPerMinute, int maxVideoSeconds, int concurrentJobs) {
    }

    public static final class InvalidTiers extends RuntimeException {
        public InvalidTiers(String message) {
            super(message);
        }
    }

    private final AtomicReference<Map<String, UsageLimits>> tiers = new AtomicReference<>();
    private final Optional<Path> file;
    private final UsagePolicies config;
    private volatile FileTime loadedAt;

    public TierCatalogue(UsagePolicies config) {
        this.config = config;
        this.file = config.tiersFile().filter(f -> !f.isBlank()).map(Path::of);
        Map<String, UsageLimits> fromConfig = new HashMap<>();
        config.tiers().forEach((name, p) -> fromConfig.put(name,
                new UsageLimits(p.generationsPerDay(), p.burstPerMinute(), p.maxVideoSeconds(), p.concurrentJobs())));
        tiers.set(validated(fromConfig));
        this.file.ifPresent(f -> reloadIfChanged());
    }

    public UsageLimits policyFor(String tier) {
        UsageLimits limits = tiers.get().get(tier);
        if (limits == null) {
            throw new IllegalStateException("no usage policy configured for tier '" + tier + "'");
        }
        return limits;
    }

    @Scheduled(every = "${safeframe.usage.reload-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledReload() {
        reloadIfChanged();
    }

    /** Re-reads the tiers file if it changed; returns what happened (for logs and tests). */
    public String reloadIfChanged() {
        if (file.isEmpty()) {
            return "no tiers file configured";
        }
        Path path = file.get();
        try {
            FileTime modified = Files.getLastModifiedTime(path);
            if (modified.equals(loadedAt)) {
                return "unchanged";
            }
            loadedAt = modified;
            tiers.set(validated(parse(path)));
            LOG.infof("usage tiers reloaded from %s: %s", path, tiers.get().keySet());
            return "reloaded";
        } catch (IOException | InvalidTiers e) {
            LOG.errorf("usage tiers file %s refused, keeping the tiers in force: %s", path, e.getMessage());
            return "refused: " + e.getMessage();
        }
    }

    /** Format: {@code <tier>.<field>=<positive int>} for the four fields, as in application.properties. */
    static Map<String, UsageLimits> parse(Path path) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path)) {
            p.load(r);
        }
        Map<String, int[]> values = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            int dot = key.indexOf('.');
            int field = dot < 0 ? -1 : java.util.Arrays.asList(FIELDS).indexOf(key.substring(dot + 1));
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
                    throw new InvalidTiers(tier + "." + FIELDS[i] + " is missing or not positive");
                }
            }
            out.put(tier, new UsageLimits(v[0], v[1], v[2], v[3]));
        });
        return out;
    }

    private Map<String, UsageLimits> validated(Map<String, UsageLimits> candidate) {
        for (String needed : new String[] { config.defaultTier(), config.throttledTier() }) {
            if (!candidate.containsKey(needed)) {
                throw new InvalidTiers("tier '" + needed + "' (default or throttled) is not defined");
            }
        }
        return Map.copyOf(candidate);
    }
}
