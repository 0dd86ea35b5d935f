package io.safeframe.verify;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.safeframe.provenance.manifest.TestChains;

/** A test root written where the test profile looks for trust anchors, before the service starts. */
public class TestTrustAnchor implements QuarkusTestResourceLifecycleManager {

    static volatile TestChains.Ca root;

    @Override
    public Map<String, String> start() {
        try {
            root = TestChains.ca("Safeframe verify test root");
            Path file = Path.of("target/c2pa-trust/anchor.pem");
            Files.createDirectories(file.getParent());
            String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(root.cert().getEncoded()) + "\n-----END CERTIFICATE-----\n";
            Files.writeString(file, pem);
            return Map.of();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}
