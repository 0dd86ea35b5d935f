package io.safeframe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The category codes the safety checks emit must all be categories report-service knows. report-service's list
 * ({@code safeframe.report.categories.*}: severity, SLA, DSA category) is the catalogue of record; a code it lacks
 * is filed as {@code other} — lowest severity, 72-hour SLA — so a new prompt-policy or classifier category that is
 * not added there silently lands at the back of the queue. This test reads the rule files as they ship (the jar
 * resources, which deploy/regenerate copies into the ConfigMaps) and fails on any code report-service lacks.
 */
class CategoryCatalogueTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern REPORT_CATEGORY = Pattern.compile("^safeframe\\.report\\.categories\\.([a-z_]+)\\.severity=", Pattern.MULTILINE);
    /** prompt-guard's aggregate head: P(any category), the decision's input, never a category of a verdict. */
    private static final String AGGREGATE_HEAD = "any_unsafe";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCategoryAGuardEmitsIsOneReportServiceQueues() throws IOException {
        Set<String> catalogue = reportCategories(Files.readString(ROOT.resolve("report-service/src/main/resources/application.properties")));
        Map<String, Set<String>> emitted = emittedCategories();
        assertEquals(Map.of(), missing(catalogue, emitted), "categories emitted by a guard that report-service does not know (they would be "
                + "filed as 'other'); add them to report-service's safeframe.report.categories");
        // the test reads something: every source contributed codes, and the catalogue has the fallback
        emitted.forEach((source, codes) -> assertTrue(codes.size() >= 2, source + " yielded " + codes));
        assertTrue(catalogue.contains("other"), "report-service needs the fallback category 'other'");
    }

    @Test
    void aCodeTheCatalogueLacksIsReportedWithItsSource() {
        Set<String> catalogue = Set.of("sexual", "other");
        Map<String, Set<String>> emitted = Map.of("classifier-policy", Set.of("sexual", "suggestive"), "prompt-policy", Set.of("sexual"));
        assertEquals(Map.of("classifier-policy", Set.of("suggestive")), missing(catalogue, emitted));
        assertEquals(Set.of("sexual_minors", "other"), reportCategories("""
                safeframe.report.categories.sexual_minors.severity=10
                safeframe.report.categories.sexual_minors.sla=PT1H
                # safeframe.report.categories.commented.severity=1
                safeframe.report.categories.other.severity=1
                """));
    }

    /** Per source, the codes the catalogue lacks (sources with none left out). */
    static Map<String, Set<String>> missing(Set<String> catalogue, Map<String, Set<String>> emitted) {
        Map<String, Set<String>> out = new TreeMap<>();
        emitted.forEach((source, codes) -> {
            Set<String> lacking = new TreeSet<>(codes);
            lacking.removeAll(catalogue);
            if (!lacking.isEmpty()) {
                out.put(source, lacking);
            }
        });
        return out;
    }

    static Set<String> reportCategories(String properties) {
        Set<String> codes = new TreeSet<>();
        Matcher m = REPORT_CATEGORY.matcher(properties);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    /** What each rule file can put into a verdict's categories. */
    private static Map<String, Set<String>> emittedCategories() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        JsonNode prompt = read("prompt-guard-service/src/main/resources/policy/prompt-policy.json");
        Set<String> promptCodes = codes(prompt.path("categories"), "code");
        // a profile's own categories (the teen profile's) are emitted too
        prompt.path("profiles").forEach(profile -> promptCodes.addAll(codes(profile.path("categories"), "code")));
        out.put("prompt-policy", promptCodes);
        Set<String> heads = codes(read("prompt-guard-service/src/main/resources/policy/prompt-heads.json").path("heads"), "category");
        heads.remove(AGGREGATE_HEAD);
        out.put("prompt-heads", heads);
        JsonNode classifier = read("frame-classifier-service/src/main/resources/policy/classifier-policy.json");
        Set<String> frames = codes(classifier.path("categories"), "code");
        frames.add(classifier.path("minors").path("code").asText());
        out.put("classifier-policy", frames);
        return out;
    }

    private static Set<String> codes(JsonNode array, String field) {
        Set<String> codes = new TreeSet<>();
        array.forEach(node -> codes.add(node.path(field).asText()));
        codes.remove("");
        return codes;
    }

    private static JsonNode read(String path) throws IOException {
        return JSON.readTree(ROOT.resolve(path).toFile());
    }
}
