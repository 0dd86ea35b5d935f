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
 * The active prompt policy. It comes from the file named by safeframe.guard.policy-file (a ConfigMap mount in
 * Kubernetes) or, without one, from the copy built into the service. The file is re-read when it changes;
 * a file that does not parse or validate is refused and the policy in force stays.
 */
@ApplicationScoped
public class PolicyHolder {

    private static final Logger LOG = Logger.getLogger(PolicyHolder.class);
    private static final String BUILT_IN = "policy/prompt-policy.json";

    private final AtomicReference<CompiledPolicy> active = new AtomicReference<>();
    private final Optional<Path> file;
    private final Normaliser normaliser = new Normaliser();
    private volatile FileTime loadedAt;
    /** What this instance loaded, reloaded or refused, newest last (bounded): the policy viewer's history. */
    private final java.util.Deque<Change> history = new java.util.concurrent.ConcurrentLinkedDeque<>();

    public record Change(String version, java.time.Instant at, String outcome, String detail) {
    }

    public PolicyHolder(@ConfigProperty(name = "safeframe.guard.policy-file") Optional<String> file) {
        this.file = file.filter(f -> !f.isBlank()).map(Path::of);
        active.set(this.file.map(this::readFile).orElseGet(PolicyHolder::builtIn));
        record(active.get().version(), "LOADED", source());
    }

    /** Where the policy in force came from: the mounted file or the copy built into the service. */
    public String source() {
        return file.map(Path::toString).orElse("built-in");
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

    public CompiledPolicy current() {
        return active.get();
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
        if (file.isEmpty()) {
            return "no policy file configured";
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
