package io.safeframe.guard.learning;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.safeframe.guard.normalise.Normaliser;
import io.safeframe.guard.policy.CompiledPolicy;
import io.safeframe.guard.policy.PolicyHolder;

/** Heads that could not work refuse the whole policy version when it is loaded (and so when it is drafted). */
class PolicyHeadsTest {

    private static String refusal(Consumer<ObjectNode> change) throws IOException {
        byte[] policy = HeadsFixtures.policyWithHeads(change);
        return assertThrows(CompiledPolicy.InvalidPolicy.class, () -> PolicyHolder.parse(policy, new Normaliser())).getMessage();
    }

    private static ObjectNode head(ObjectNode heads, int i) {
        return (ObjectNode) heads.path("heads").get(i);
    }

    @Test
    void headsOfAnotherEncoderAreRefused() throws IOException {
        assertTrue(refusal(h -> ((ObjectNode) h.path("encoder")).put("sha256", "0".repeat(64))).contains("trained on encoder"));
    }

    @Test
    void operatingPointsOutOfOrderAreRefused() throws IOException {
        assertTrue(refusal(h -> head(h, 0).put("review", 0.95).put("block", 0.9)).contains("0 < review <= block <= 1"));
        assertTrue(refusal(h -> head(h, 0).put("review", 0.0)).contains("0 < review <= block <= 1"));
        assertTrue(refusal(h -> head(h, 0).put("block", 1.5)).contains("0 < review <= block <= 1"));
    }

    @Test
    void weightsThatAreNotFiniteNumbersAreRefused() throws IOException {
        assertTrue(refusal(h -> ((ArrayNode) head(h, 1).path("weights")).set(3, h.textNode("0.1"))).contains("weight 3 is not a number"));
        assertTrue(refusal(h -> ((ArrayNode) head(h, 1).path("weights")).set(3, h.numberNode(1e300))).contains("not a finite number"));
        assertTrue(refusal(h -> ((ArrayNode) head(h, 1).path("weights")).remove(0)).contains("weights, expected"));
        assertTrue(refusal(h -> head(h, 1).put("bias", "high")).contains("bias is not a number"));
    }

    @Test
    void headsMustCoverAnyUnsafeOnceAndOnlyThisPolicysCategories() throws IOException {
        assertTrue(refusal(h -> {
            ArrayNode all = (ArrayNode) h.path("heads");
            for (int i = all.size() - 1; i >= 0; i--) {
                if (all.get(i).path("category").asText().equals("any_unsafe")) {
                    all.remove(i);
                }
            }
        }).contains("no any_unsafe head"));
        assertTrue(refusal(h -> head(h, 0).put("category", "rudeness")).contains("not a category of this policy"));
        assertTrue(refusal(h -> head(h, 1).put("category", head(h, 0).path("category").asText())).contains("appears twice"));
        assertTrue(refusal(h -> h.put("format", "something-else/9")).contains("not a safeframe-guard-heads/1"));
    }
}
