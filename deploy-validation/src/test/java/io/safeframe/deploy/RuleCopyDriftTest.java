package io.safeframe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One home for every rule (issue 19): each file kustomize reads under deploy/ that is derived from a file elsewhere
 * (deploy/rule-copies.sh: the prompt policy, the usage tiers, the local realm) is written by deploy/regenerate and
 * compared by deploy/check-drift. Here check-drift --rules runs against the repository and against a copy of the
 * homes and derived copies in a temporary directory (SAFEFRAME_ROOT) in which one line of one copy, or a tier in its
 * home, was changed by hand.
 */
class RuleCopyDriftTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final String FIX = "deploy/regenerate --rules";

    record Result(int exit, String output) {
    }

    private static Result run(Path root, String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", REPO.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().remove("SAFEFRAME_ROOT");
        if (root != null) {
            pb.environment().put("SAFEFRAME_ROOT", root.toString());
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), script + " finished");
        return new Result(p.exitValue(), output);
    }

    /** Derived copy → its home, as deploy/rule-copies.sh lists them (so a copy added there is covered here). */
    static Map<String, String> copies() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c",
                "source deploy/rule-copies.sh && for c in $(rule_copies); do echo \"$c $(rule_home \"$c\")\"; done")
                .directory(REPO.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Map<String, String> copies = new LinkedHashMap<>();
        out.lines().filter(l -> !l.isBlank()).forEach(l -> copies.put(l.split(" ")[0], l.split(" ")[1]));
        return copies;
    }

    static Stream<String> derivedCopies() throws IOException, InterruptedException {
        return copies().keySet().stream();
    }

    /** The homes and derived copies at their repository paths under dir, nothing else. */
    private static void layOut(Path dir) throws IOException, InterruptedException {
        for (Map.Entry<String, String> e : copies().entrySet()) {
            for (String file : List.of(e.getKey(), e.getValue())) {
                Files.createDirectories(dir.resolve(file).getParent());
                Files.copy(REPO.resolve(file), dir.resolve(file));
            }
        }
    }

    /** One line changed as a hand edit would: its last digit bumped, or words added when it has none. */
    private static void editOneLine(Path file) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        int i = lines.size() / 2;
        while (lines.get(i).isBlank()) {
            i++;
        }
        String line = lines.get(i);
        int digit = -1;
        for (int j = line.length() - 1; j >= 0 && digit < 0; j--) {
            digit = Character.isDigit(line.charAt(j)) ? j : -1;
        }
        lines.set(i, digit < 0 ? line + " edited by hand"
                : line.substring(0, digit) + (char) ('0' + (line.charAt(digit) - '0' + 1) % 10) + line.substring(digit + 1));
        Files.write(file, lines);
    }

    @Test
    void everyCopyInTheRepositoryMatchesItsHome() throws Exception {
        Result r = run(null, "deploy/check-drift", "--rules");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("every rule copy under deploy/ matches its home"), r.output());
    }

    @Test
    void theCopiesAreThePromptPolicyTheTiersAndTheRealm() throws Exception {
        assertEquals(Map.of(
                "deploy/base/platform/prompt-policy.json", "prompt-guard-service/src/main/resources/policy/prompt-policy.json",
                "deploy/base/platform/usage-tiers.properties", "policy-service/src/main/resources/application.properties",
                "deploy/overlays/local/safeframe-realm.json", "local/keycloak/safeframe-realm.template.json"), copies());
        // the classifier policy is read from frame-classifier's classpath only: there is no copy to drift
        try (Stream<Path> files = Files.walk(REPO.resolve("deploy"))) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains("classifier-policy")).toList());
        }
    }

    @ParameterizedTest
    @MethodSource("derivedCopies")
    void aCopyEditedByHandFailsNamingItAndRegenerateFixesIt(String copy, @TempDir Path root) throws Exception {
        layOut(root);
        Result clean = run(root, "deploy/check-drift", "--rules");
        assertEquals(0, clean.exit(), "the untouched layout passes: " + clean.output());

        byte[] original = Files.readAllBytes(root.resolve(copy));
        editOneLine(root.resolve(copy));
        Result drift = run(root, "deploy/check-drift", "--rules");
        assertEquals(1, drift.exit(), drift.output());
        String home = copies().get(copy);
        assertTrue(drift.output().contains("check-drift: " + copy + " differs from its home " + home), drift.output());
        assertTrue(drift.output().contains("run " + FIX + " and commit"), drift.output());
        for (String other : copies().keySet()) {
            if (!other.equals(copy)) {
                assertFalse(drift.output().contains("check-drift: " + other), "only the edited copy is named: " + drift.output());
            }
        }

        Result regenerated = run(root, "deploy/regenerate", "--rules");
        assertEquals(0, regenerated.exit(), regenerated.output());
        assertEquals(new String(original, StandardCharsets.UTF_8), Files.readString(root.resolve(copy)));
        assertEquals(0, run(root, "deploy/check-drift", "--rules").exit());
    }

    @Test
    void aTierChangedOnlyInItsHomeFailsUntilRegenerated(@TempDir Path root) throws Exception {
        layOut(root);
        Path home = root.resolve("policy-service/src/main/resources/application.properties");
        String properties = Files.readString(home);
        String before = "\nsafeframe.usage.tiers.free.generations-per-day=10\n";
        assertTrue(properties.contains(before), "the free tier's daily quota is 10 in application.properties");
        Files.writeString(home, properties.replace(before, "\nsafeframe.usage.tiers.free.generations-per-day=12\n"));

        Result drift = run(root, "deploy/check-drift", "--rules");
        assertEquals(1, drift.exit(), drift.output());
        assertTrue(drift.output().contains("check-drift: deploy/base/platform/usage-tiers.properties differs from its home "
                + "policy-service/src/main/resources/application.properties"), drift.output());
        assertTrue(drift.output().contains("+free.generations-per-day=12"), "the difference is shown: " + drift.output());

        assertEquals(0, run(root, "deploy/regenerate", "--rules").exit());
        String tiers = Files.readString(root.resolve("deploy/base/platform/usage-tiers.properties"));
        assertTrue(tiers.contains("\nfree.generations-per-day=12\n"), tiers);
        // test-profile tiers and the tiers-file setting stay out of the ConfigMap
        assertFalse(tiers.contains("exact."), tiers);
        assertFalse(tiers.contains("tiers-file"), tiers);
        assertNotEquals(properties, Files.readString(home));
        assertEquals(0, run(root, "deploy/check-drift", "--rules").exit());
    }
}
