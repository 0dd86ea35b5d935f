package io.safeframe.frames.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Verdict;
import io.safeframe.frames.bank.HashBanks;
import io.safeframe.frames.faces.FaceAges;
import io.safeframe.frames.faces.FaceBox;
import io.safeframe.frames.faces.MinorsRule;
import io.safeframe.frames.pdq.PdqHash;
import io.safeframe.frames.text.speech.Speech;

/** The temporal rules of policy/classifier-policy.json, one by one. */
class VerdictAggregatorTest {

    static final ClassifierPolicy POLICY = ClassifierPolicy.fromClasspath();
    static final VerdictAggregator AGG = new VerdictAggregator(POLICY, (bank, label) -> 4);

    static FrameResult frame(int i, double sexual, List<HashBanks.Hit> hits) {
        return new FrameResult(i, i * 1000L, PdqHash.ZERO, 100, Map.of("sexual", sexual, "suggestive", 0.0), hits);
    }

    @Test
    void oneFrameOverTheLineIsReviewedNotBlocked() {
        Verdict v = AGG.verdict(List.of(frame(0, 0.95, List.of())), 0);
        assertEquals(Decision.REVIEW, v.getDecision(), v.getReason());
        assertEquals(0, v.getEvidence(0).getTimestampMs());
    }

    @Test
    void twoFramesOverTheLineBlockWithTheirTimestamps() {
        Verdict v = AGG.verdict(List.of(frame(0, 0.1, List.of()), frame(1, 0.9, List.of()), frame(2, 0.2, List.of()), frame(3, 0.97, List.of())), 1);
        assertEquals(Decision.BLOCK, v.getDecision());
        assertEquals(3000, v.getEvidence(0).getTimestampMs(), "strongest frame first");
        assertTrue(v.getReason().contains("2 of 4"), v.getReason());
    }

    @Test
    void belowReviewIsAllowed() {
        assertEquals(Decision.ALLOW, AGG.verdict(List.of(frame(0, 0.2, List.of()), frame(1, 0.49, List.of())), 1).getDecision());
    }

    @Test
    void aBankMatchDecidesWhateverTheModelSays() {
        HashBanks.BankInfo bank = new HashBanks.BankInfo("known-deepfakes", "real_person_likeness", "BLOCK", 31, "", 4);
        HashBanks.Hit hit = new HashBanks.Hit(bank, 7, "video-a", PdqHash.ZERO, 0);
        Verdict v = AGG.verdict(List.of(frame(0, 0.0, List.of(hit)), frame(1, 0.0, List.of(hit))), 1);
        assertEquals(Decision.BLOCK, v.getDecision());
        assertEquals("bank:known-deepfakes", v.getRuleId());
        assertTrue(v.getEvidenceList().stream().anyMatch(e -> e.getRuleId().equals("vpdq:known-deepfakes")));
    }

    static FrameResult withFace(int i, double sexual, double age) {
        return new FrameResult(i, i * 1000L, PdqHash.ZERO, 100, Map.of("sexual", sexual, "suggestive", 0.0), List.of(),
                List.of(new FaceAges.Face(new FaceBox(10, 20, 60, 70, 0.8), age)));
    }

    static String topCategory(Verdict v) {
        return v.getCategoriesList().stream().max(java.util.Comparator.comparingDouble(CategoryScore::getScore)).orElseThrow().getCategory();
    }

    @Test
    void sexualContentWithAnApparentMinorBlocksAsSexualMinorsAndQueuesThere() {
        Verdict v = AGG.verdict(List.of(withFace(0, 0.6, 14), withFace(1, 0.2, 14)), 1);
        assertEquals(Decision.BLOCK, v.getDecision(), v.getReason());
        assertEquals(MinorsRule.RULE_ID, v.getRuleId());
        // report-service queues a case under the top-scored category: sexual_minors, its most severe queue
        assertEquals("sexual_minors", topCategory(v));
        assertEquals(MinorsRule.PUBLIC_REASON, v.getPublicReason());
        assertTrue(v.getEvidenceList().stream().anyMatch(e -> e.getRuleId().equals(MinorsRule.RULE_ID) && e.getTimestampMs() == 0
                && e.getRegion().getWidth() == 60), v.toString());
    }

    @Test
    void theMinorsRuleNamesABlockTheClassifierAlsoReached() {
        Verdict v = AGG.verdict(List.of(withFace(0, 0.95, 16), withFace(1, 0.95, 16)), 1);
        assertEquals(Decision.BLOCK, v.getDecision());
        assertEquals(MinorsRule.RULE_ID, v.getRuleId(), "the more specific finding");
        assertEquals("sexual_minors", topCategory(v));
    }

    @Test
    void anUncertainAgeIsReviewedInTheMinorsQueueAndNeverLowersABlock() {
        Verdict review = AGG.verdict(List.of(withFace(0, 0.6, 19)), 1);
        assertEquals(Decision.REVIEW, review.getDecision());
        assertEquals("sexual_minors", topCategory(review));
        Verdict block = AGG.verdict(List.of(withFace(0, 0.95, 19), withFace(1, 0.95, 19)), 1);
        assertEquals(Decision.BLOCK, block.getDecision(), "two sexual frames block on their own");
        assertEquals("classifier:nsfw-mobilenet-v2:sexual", block.getRuleId());
        assertEquals("sexual_minors", topCategory(block), "a human checks the age in the top-priority queue");
    }

    @Test
    void anApparentMinorWithoutSexualContentChangesNothing() {
        Verdict v = AGG.verdict(List.of(withFace(0, 0.1, 9), withFace(1, 0.1, 9)), 1);
        assertEquals(Decision.ALLOW, v.getDecision());
        assertTrue(v.getCategoriesList().stream().noneMatch(c -> c.getCategory().equals("sexual_minors")));
        assertEquals("", v.getPublicReason());
    }

    @Test
    void thePublicReasonSurvivesTheTextMerge() {
        Verdict frames = AGG.verdict(List.of(withFace(0, 0.6, 14)), 1);
        Verdict merged = ModalityVerdict.merge(frames, List.of(), new Speech.Result(Speech.Status.NONE, "", List.of(), 0, 0));
        assertEquals(Decision.BLOCK, merged.getDecision());
        assertEquals(MinorsRule.PUBLIC_REASON, merged.getPublicReason());
        assertFalse(merged.getPublicReason().contains("14"));
    }
}
