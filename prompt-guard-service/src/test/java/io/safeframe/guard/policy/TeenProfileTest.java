package io.safeframe.guard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.safeframe.guard.normalise.Normaliser;
import io.safeframe.guard.screening.Screener;
import io.safeframe.guard.screening.Screening;

/** The teen profile of the built-in policy, and the load-time check that a profile can only make the rules stricter. */
class TeenProfileTest {

    private static final CompiledPolicy BUILT_IN = PolicyHolder.builtIn();
    private static final Screener RULES_AND_SCORER = new Screener();

    @Test
    void aPromptAllowedForAdultsIsBlockedForTeensInATeenOnlyCategory() {
        String prompt = "a group of friends at a casino playing roulette";
        assertEquals("ALLOW", RULES_AND_SCORER.screen(prompt, BUILT_IN).decision());
        Screening teen = RULES_AND_SCORER.screen(prompt, BUILT_IN.teen());
        assertEquals("BLOCK", teen.decision(), teen.reason());
        assertTrue(teen.categoryScores().containsKey("age_restricted"), teen.categoryScores().toString());
        assertEquals(BUILT_IN.version() + "+teen", teen.policyVersion());
    }

    @Test
    void aCategoryHeldForAdultsIsBlockedForTeens() {
        String prompt = "mickey mouse dancing in a kitchen";
        Screening adult = RULES_AND_SCORER.screen(prompt, BUILT_IN);
        assertEquals("REVIEW", adult.decision(), adult.reason());
        Screening teen = RULES_AND_SCORER.screen(prompt, BUILT_IN.teen());
        assertEquals("BLOCK", teen.decision(), teen.reason());
        assertTrue(teen.reason().contains("teen profile"), teen.reason());
    }

    @Test
    void theStandardRulesStayAsTheyWere() {
        assertEquals("standard", BUILT_IN.profile);
        assertEquals(1.0, BUILT_IN.thresholdScale);
        assertEquals("teen", BUILT_IN.teen().profile);
        assertTrue(BUILT_IN.teen().thresholdScale < 1.0);
        assertEquals("ALLOW", RULES_AND_SCORER.screen("a red fox running through snow", BUILT_IN.teen()).decision());
    }

    @Test
    void aPolicyWithoutATeenProfileGivesTeensTheStandardRules() {
        CompiledPolicy plain = parse(policy(""));
        assertSame(plain, plain.teen());
    }

    @Test
    void aProfileThatWouldLoosenTheRulesIsRefused() {
        // lowering a BLOCK category to REVIEW
        assertRefused(policy(",\"profiles\":{\"teen\":{\"categoryDecisions\":{\"weapons\":\"REVIEW\"}}}"), "may only be raised");
        // raising the thresholds
        assertRefused(policy(",\"profiles\":{\"teen\":{\"thresholdScale\":1.5}}"), "thresholdScale");
        assertRefused(policy(",\"profiles\":{\"teen\":{\"thresholdScale\":0}}"), "thresholdScale");
        // a category that does not exist, a profile nobody selects, a code clash, an unknown field
        assertRefused(policy(",\"profiles\":{\"teen\":{\"categoryDecisions\":{\"nope\":\"BLOCK\"}}}"), "no category");
        assertRefused(policy(",\"profiles\":{\"kids\":{}}"), "unknown profile");
        assertRefused(policy(",\"profiles\":{\"teen\":{\"categories\":[{\"code\":\"weapons\",\"name\":\"w\",\"severity\":2,"
                + "\"decision\":\"BLOCK\",\"terms\":[\"gun\"]}]}}"), "repeated");
        assertRefused(policy(",\"profiles\":{\"teen\":{\"thresholdScale\":0.5,\"strict\":true}}"), "not valid JSON");
    }

    private static String policy(String profiles) {
        return "{\"version\":\"t1\",\"benign\":[],\"categories\":[{\"code\":\"weapons\",\"name\":\"weapons\",\"severity\":5,"
                + "\"decision\":\"BLOCK\",\"terms\":[\"pipe bomb\"]}]" + profiles + "}";
    }

    private static CompiledPolicy parse(String json) {
        return PolicyHolder.parse(json.getBytes(StandardCharsets.UTF_8), new Normaliser());
    }

    private static void assertRefused(String json, String why) {
        CompiledPolicy.InvalidPolicy e = assertThrows(CompiledPolicy.InvalidPolicy.class, () -> parse(json));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
