package io.safeframe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The alert rules (deploy/monitoring/alerts.yaml, a PrometheusRule) pass {@code promtool check rules} and their unit
 * tests ({@code promtool test rules}, deploy/monitoring/tests/alerts-test.yaml); and the unit tests bite: a rule with
 * a weakened threshold fails them. promtool comes from Debian's prometheus package (the test command installs it).
 */
class AlertRulesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path MONITORING = Path.of("..", "deploy", "monitoring");

    @Test
    void rulesAreValidAndPassTheirUnitTests(@TempDir Path dir) throws Exception {
        writeRules(dir, Files.readString(MONITORING.resolve("alerts.yaml")));
        Result check = promtool(dir, "check", "rules", "rules.yaml");
        assertEquals(0, check.exit(), check.output());
        Result test = promtool(dir, "test", "rules", "alerts-test.yaml");
        assertEquals(0, test.exit(), test.output());
        assertTrue(test.output().contains("SUCCESS"), test.output());
    }

    @Test
    void aWeakenedRuleFailsTheUnitTests(@TempDir Path dir) throws Exception {
        String rules = Files.readString(MONITORING.resolve("alerts.yaml"));
        String weakened = rules.replace("safeframe_outbox_oldest_age_seconds) > 300", "safeframe_outbox_oldest_age_seconds) > 3000");
        assertNotEquals(rules, weakened, "the outbox rule's threshold is where this test expects it");
        writeRules(dir, weakened);
        Result test = promtool(dir, "test", "rules", "alerts-test.yaml");
        assertNotEquals(0, test.exit(), test.output());
        assertTrue(test.output().contains("SafeframeOutboxLag"), test.output());
    }

    /** promtool reads plain rule files: the PrometheusRule's spec is one. */
    private static void writeRules(Path dir, String prometheusRule) throws IOException {
        JsonNode rule = YAML.readTree(prometheusRule);
        assertEquals("PrometheusRule", rule.path("kind").asText());
        ObjectNode plain = YAML.createObjectNode();
        plain.set("groups", rule.path("spec").path("groups"));
        YAML.writeValue(dir.resolve("rules.yaml").toFile(), plain);
        Files.copy(MONITORING.resolve("tests/alerts-test.yaml"), dir.resolve("alerts-test.yaml"));
    }

    record Result(int exit, String output) {
    }

    private static Result promtool(Path dir, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
