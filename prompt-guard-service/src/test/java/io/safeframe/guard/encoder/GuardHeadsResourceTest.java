package io.safeframe.guard.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.safeframe.guard.policy.PolicyHolder;

/** The versioned heads resource is consistent with the encoder, the policy and the framing bound. */
class GuardHeadsResourceTest {

    @Test
    void headsMatchTheEncoderAndThePolicy() {
        GuardHeads h = GuardHeads.builtIn();
        assertNotNull(h, GuardHeads.RESOURCE + " is built in");
        assertEquals(SentenceEncoder.BGE_SMALL_Q.modelSha256(), h.encoderSha256());
        assertEquals(PolicyHolder.builtIn().version(), h.policyVersion(), "retrain (./safeframe guard-train) when the policy changes");
        assertEquals(PolicyHolder.builtIn().categoriesByCode.keySet(), new HashSet<>(h.ruleCategories()));
        Set<String> cats = new HashSet<>(TrainHeads.CATEGORIES);
        cats.add(GuardHeads.ANY);
        assertEquals(cats, new HashSet<>(h.heads().stream().map(GuardHeads.Head::category).toList()));
        assertEquals("train.jsonl", h.provenance().path("train").asText());
        assertEquals("dev.jsonl", h.provenance().path("dev").asText(), "operating points come from dev, never from test");
    }

    @Test
    void operatingPointsAreOrderedAndBlockIsHighConfidence() {
        for (GuardHeads.Head h : GuardHeads.builtIn().heads()) {
            assertTrue(h.review() >= TrainHeads.MIN_REVIEW && h.block() >= h.review(), h.category());
            if (!h.category().equals(GuardHeads.ANY)) {
                assertTrue(h.block() >= TrainHeads.MIN_BLOCK, h.category() + " blocks at " + h.block());
            }
        }
    }

    @Test
    void framingCuesLowerAScoreByABoundedAmount() {
        GuardHeads g = GuardHeads.builtIn();
        int first = SentenceEncoder.DIMENSIONS + g.ruleCategories().size();
        for (GuardHeads.Head h : g.heads()) {
            for (int j = first; j < first + 3; j++) {
                assertTrue(h.weights()[j] >= -GuardHeads.FRAMING_CAP - 1e-6,
                        h.category() + " " + List.of("negation", "protective", "depicted").get(j - first) + " " + h.weights()[j]);
            }
        }
    }
}
