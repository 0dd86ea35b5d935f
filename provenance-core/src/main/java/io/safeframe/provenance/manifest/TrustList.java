package io.safeframe.provenance.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The configured trust anchors: PEM text (production: the trust list ConfigMap, passed in the environment) plus PEM
 * files (locally: the dev chain provenance-service writes on its first start). A file that does not exist yet is
 * looked for again on later use, at most every 10 s, so a verifier started before the signer still picks the dev
 * root up; once anchors are found they are kept.
 */
public final class TrustList {

    private static final long RETRY_NANOS = 10_000_000_000L;

    private final String pem;
    private final List<Path> files;
    private volatile SignerTrust current;
    private volatile long lastLook;

    public TrustList(Optional<String> pem, Optional<List<Path>> files) {
        this.pem = pem.orElse("");
        this.files = files.orElse(List.of());
        this.current = load();
        this.lastLook = System.nanoTime();
    }

    public SignerTrust current() {
        SignerTrust trust = current;
        if (trust.anchorCount() == 0 && !files.isEmpty() && System.nanoTime() - lastLook > RETRY_NANOS) {
            lastLook = System.nanoTime();
            trust = load();
            current = trust;
        }
        return trust;
    }

    private SignerTrust load() {
        StringBuilder all = new StringBuilder(pem).append('\n');
        for (Path f : files) {
            try {
                if (Files.isRegularFile(f)) {
                    all.append(Files.readString(f)).append('\n');
                }
            } catch (IOException e) {
                // unreadable now: looked for again later
            }
        }
        return all.toString().contains("BEGIN CERTIFICATE") ? SignerTrust.fromPem(all.toString()) : SignerTrust.NONE;
    }
}
