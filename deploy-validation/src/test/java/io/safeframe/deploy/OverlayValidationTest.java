package io.safeframe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each overlay with kustomize (kubectl) and validates it; then breaks a valid manifest in the ways the
 * policy must catch and checks each is caught. Fixtures: src/test/resources/fixtures/.
 */
class OverlayValidationTest {

    static String kustomize(String dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir).directory(Path.of("..").toFile()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + err);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = { "deploy/overlays/prod", "deploy/overlays/local" })
    void overlayIsStructurallyValidAndFollowsPolicy(String overlay) throws Exception {
        String yaml = kustomize(overlay);
        List<String> problems = ManifestValidator.validate(yaml);
        assertEquals(List.of(), problems, overlay);
        long deployments = ManifestValidator.documents(yaml).stream()
                .filter(d -> d.path("kind").asText().equals("Deployment")).count();
        assertTrue(deployments >= 6, overlay + " renders every service");
        System.out.printf("%s: %d objects%n", overlay, ManifestValidator.documents(yaml).size());
    }

    @org.junit.jupiter.api.Test
    void validFixturePasses() throws Exception {
        assertEquals(List.of(), ManifestValidator.validate(Files.readString(Path.of("src/test/resources/fixtures/valid.yaml"))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "unknown-field.yaml      | `sidecarMode` in the JSON string is not defined",
            "wrong-type.yaml         | expected NUMBER but found STRING",
            "missing-required.yaml   | required field",
            "missing-probe.yaml      | no readinessProbe",
            "root-container.yaml     | runs as root",
            "no-network-policy.yaml  | no NetworkPolicy of its own",
            "unknown-kind.yaml       | unknown apiVersion/kind",
            "no-identity.yaml        | no service identity",
            "client-only-identity.yaml | must allow client auth and server auth" })
    void brokenManifestIsRefused(String fixture, String expected) throws Exception {
        String yaml = Files.readString(Path.of("src/test/resources/fixtures", fixture));
        List<String> problems = ManifestValidator.validate(yaml);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), fixture + " gave " + problems);
    }
}
