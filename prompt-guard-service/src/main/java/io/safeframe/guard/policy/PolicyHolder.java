package io.safeframe.guard.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.scheduler.Scheduled;
import io.safeframe.guard.normalise.Normaliser;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The active prompt policy. With the policy store on (safeframe.guard.policy-store.enabled, the default outside
 * tests) it is the store's live version, installed by {@link StorePolicySource}; until one has been loaded there is
 * no policy and screening fails closed ({@link NoPolicy}). Without the store it comes from the file named by
 * safeframe.guard.policy-file (a ConfigMap mount in Kubernetes) or, without one, from the copy built into the service;
 * the file is re-read when it changes. Either way a document that does not parse or validate is refused and the
 * policy in force stays. The file or built-in copy is also what seeds an empty store.
 */
@ApplicationScoped
public class PolicyHolder {

    private static final Logger LOG = Logger.getLogger(PolicyHolder.class);
    public static final String BUILT_IN = "policy/prompt-policy.json";

    private final AtomicReference<CompiledPolicy> active = new AtomicReference<>();
    private final Optional<Path> file;
    private final Normaliser normaliser = new Normaliser();
    private volatile FileTime loadedAt;
    /** What this instance loaded, reloaded or refused, newest last (bounded): the policy viewer's history. */
    private final java.util.Deque<Change> history = new java.util.concurrent.ConcurrentLinkedDeque<>();

    private final boolean fromStore;
    /** The candidate in shadow (shadow mode): screened beside live, never acting. Null when none. */
    private final AtomicReference<Candidate> shadow = new AtomicReference<>();
    /** The candidate in canary: acting for a share of accounts. Null when none. */
    private final AtomicReference<Candidate> canary = new AtomicReference<>();

    /** A store version beside live: in shadow or in canary. */
    public record Candidate(CompiledPolicy policy, int version) {
    }
    /** The store's version number of the policy in force (0: not from the store). */
    private volatile int storeVersion;

    public record Change(String version, java.time.Instant at, String outcome, String detail) {
    }

    /** Screening asked for a policy before any was loaded from the store: the caller must fail closed. */
    public static final class NoPolicy extends RuntimeException {
        public NoPolicy() {
            super("no prompt policy loaded yet (policy store not reached); refusing to screen");
        }
    }

    /** File or built-in only, no store (tools and tests). */
    public PolicyHolder(Optional<String> file) {
        this(file, false);
    }

    @jakarta.inject.Inject
    public PolicyHolder(@ConfigProperty(name = "safeframe.guard.policy-file") Optional<String> file,
            @ConfigProperty(name = "safeframe.guard.policy-store.enabled") boolean fromStore) {
        this.file = file.filter(f -> !f.isBlank()).map(Path::of);
        this.fromStore = fromStore;
        if (!fromStore) {
            active.set(this.file.map(this::readFile).orElseGet(PolicyHolder::builtIn));
            record(active.get().version(), "LOADED", source());
        }
    }

    /** Where the policy in force came from: the policy store, the mounted file or the copy built into the service. */
    public String source() {
        return fromStore ? "policy-store" : file.map(Path::toString).orElse("built-in");
    }

    public boolean fromStore() {
        return fromStore;
    }

    public int storeVersion() {
        return storeVersion;
    }

    public String seedSource() {
        return file.map(Path::toString).orElse("built-in");
    }

    /** The document an empty store is seeded with: the mounted file or the built-in copy. */
    public byte[] seedDocument() {
        try {
            if (file.isPresent()) {
                return Files.readAllBytes(file.get());
            }
            try (InputStream in = PolicyHolder.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the seed prompt policy: " + e.getMessage(), e);
        }
    }

    /**
     * Installs the store's version {@code number} if it parses and validates; otherwise refuses it and keeps the policy
     * in force (the store holds only validated documents, so this is a second line). Returns what happened.
     */
    public String installFromStore(int number, byte[] document) {
        try {
            CompiledPolicy next = parse(document, normaliser);
            CompiledPolicy previous = active.getAndSet(next);
            storeVersion = number;
            String detail = "store v" + number + (previous == null ? "" : ", replaced " + previous.version());
            LOG.infof("prompt policy from the store: v%d (%s)%s", number, next.version(),
                    previous == null ? "" : " replacing " + previous.version());
            record(next.version(), previous == null ? "LOADED" : "RELOADED", detail);
            return "installed v" + number;
        } catch (CompiledPolicy.InvalidPolicy e) {
            CompiledPolicy kept = active.get();
            LOG.errorf("prompt policy store v%d refused, keeping %s: %s", number, kept == null ? "nothing" : kept.version(),
                    e.getMessage());
            record(kept == null ? "" : kept.version(), "REFUSED", "store v" + number + ": " + e.getMessage());
            return "refused v" + number;
        }
    }

    public Candidate shadow() {
        return shadow.get();
    }

    public int shadowVersion() {
        return versionOf(shadow);
    }

    /** Takes the store's candidate in shadow, if it validates; a refused one means no shadow. */
    public String installShadow(int number, byte[] document) {
        return install(shadow, "shadow", "screened beside live, not acting", number, document);
    }

    public void clearShadow() {
        clear(shadow, "shadow");
    }

    /** The version in canary: it acts for a deterministic share of accounts (CanaryArms). Null when none. */
    public Candidate canary() {
        return canary.get();
    }

    public int canaryVersion() {
        return versionOf(canary);
    }

    public String installCanary(int number, byte[] document) {
        return install(canary, "canary", "acting for the canary share of accounts", number, document);
    }

    public void clearCanary() {
        clear(canary, "canary");
    }

    private static int versionOf(AtomicReference<Candidate> slot) {
        Candidate c = slot.get();
        return c == null ? 0 : c.version();
    }

    private String install(AtomicReference<Candidate> slot, String stage, String meaning, int number, byte[] document) {
        try {
            CompiledPolicy candidate = parse(document, normaliser);
            slot.set(new Candidate(candidate, number));
            record(candidate.version(), stage.toUpperCase(java.util.Locale.ROOT), "store v" + number + " " + meaning);
            return stage + " v" + number;
        } catch (CompiledPolicy.InvalidPolicy e) {
            slot.set(null);
            record("", "REFUSED", stage + " store v" + number + ": " + e.getMessage());
            return "refused " + stage + " v" + number;
        }
    }

    private void clear(AtomicReference<Candidate> slot, String stage) {
        Candidate previous = slot.getAndSet(null);
        if (previous != null) {
            record(previous.policy().version(), stage.toUpperCase(java.util.Locale.ROOT) + "_ENDED", "store v" + previous.version() + " left " + stage);
        }
    }

    /** Records a change in the store's reachability (not every failed poll: the history is bounded). */
    public void noteStore(String outcome, String detail) {
        CompiledPolicy kept = active.get();
        record(kept == null ? "" : kept.version(), outcome, detail);
    }

    public java.util.List<Change> history() {
        return java.util.List.copyOf(history);
    }

    private void record(String version, String outcome, String detail) {
        history.addLast(new Change(version, java.time.Instant.now(), outcome, detail));
        while (history.size() > 100) {
            history.pollFirst();
        }
    }

    /** The policy to screen with; {@link NoPolicy} when none was ever loaded (fail closed). */
    public CompiledPolicy current() {
        CompiledPolicy policy = active.get();
        if (policy == null) {
            throw new NoPolicy();
        }
        return policy;
    }

    /** Whether a policy is loaded (readiness). */
    public boolean loaded() {
        return active.get() != null;
    }

    public static CompiledPolicy builtIn() {
        try (InputStream in = PolicyHolder.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("built-in policy " + BUILT_IN + " missing");
            }
            return parse(in.readAllBytes(), new Normaliser());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and validates a candidate exactly as a policy is loaded; {@link CompiledPolicy.InvalidPolicy} if it would be refused. */
    public CompiledPolicy validate(byte[] json) {
        return parse(json, normaliser);
    }

    public static CompiledPolicy parse(byte[] json, Normaliser normaliser) {
        try {
            PromptPolicy policy = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(json, PromptPolicy.class);
            return CompiledPolicy.compile(policy, normaliser);
        } catch (IOException e) {
            throw new CompiledPolicy.InvalidPolicy("policy file is not valid JSON for the policy schema: " + e.getMessage());
        }
    }

    private CompiledPolicy readFile(Path path) {
        try {
            loadedAt = Files.getLastModifiedTime(path);
            return parse(Files.readAllBytes(path), normaliser);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read prompt policy " + path + ": " + e.getMessage(), e);
        }
    }

    @Scheduled(every = "${safeframe.guard.reload-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledReload() {
        reloadIfChanged();
    }

    /** Checks the file for changes; returns a description of what happened (for logs and tests). */
    public String reloadIfChanged() {
        if (file.isEmpty() || fromStore) {
            return fromStore ? "the policy store decides" : "no policy file configured";
        }
        Path path = file.get();
        try {
            FileTime modified = Files.getLastModifiedTime(path);
            if (modified.equals(loadedAt)) {
                return "unchanged";
            }
            loadedAt = modified;
            CompiledPolicy next = parse(Files.readAllBytes(path), normaliser);
            CompiledPolicy previous = active.getAndSet(next);
            LOG.infof("prompt policy reloaded: %s -> %s", previous.version(), next.version());
            record(next.version(), "RELOADED", "replaced " + previous.version());
            return "reloaded " + next.version();
        } catch (IOException | CompiledPolicy.InvalidPolicy e) {
            LOG.errorf("prompt policy %s refused, keeping %s: %s", path, active.get().version(), e.getMessage());
            record(active.get().version(), "REFUSED", e.getMessage());
            return "refused: " + e.getMessage();
        }
    }
}
