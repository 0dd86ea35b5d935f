package io.safeframe.frames.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.Decision;
import io.safeframe.frames.classify.ClassifierPolicy;

/** The apparent-minor rule of policy/classifier-policy.json, case by case (faces given, not detected). */
class MinorsRuleTest {

    static final MinorsPolicy POLICY = ClassifierPolicy.fromClasspath().minors();
    static final MinorsRule RULE = new MinorsRule(POLICY);

    static FaceAges.Face face(double age) {
        return new FaceAges.Face(new FaceBox(100, 50, 80, 90, 0.8), age);
    }

    static MinorsRule.Seen frame(long ms, double sexual, double suggestive, FaceAges.Face... faces) {
        return new MinorsRule.Seen(ms, Map.of("sexual", sexual, "suggestive", suggestive), List.of(faces));
    }

    @Test
    void thePolicyNumbersAreTheDocumentedOnes() {
        assertEquals(18, POLICY.minorAge());
        assertEquals(21, POLICY.uncertainAge());
        assertEquals("sexual_minors", POLICY.code());
        assertEquals(0.50, POLICY.signals().get("sexual").min());
        assertTrue(POLICY.signals().get("sexual").blocks());
        assertFalse(POLICY.signals().get("suggestive").blocks());
    }

    @Test
    void sexualFrameWithAnApparentMinorBlocks() {
        MinorsRule.Outcome o = RULE.judge(List.of(frame(0, 0.1, 0, face(15)), frame(2000, 0.7, 0, face(35), face(15.5))));
        assertEquals(Decision.BLOCK, o.decision(), o.reason());
        assertEquals(1, o.evidence().size(), "only the signalled frame");
        assertEquals(2000, o.evidence().get(0).getTimestampMs());
        assertEquals("sexual_minors", o.evidence().get(0).getCategory());
        assertTrue(o.evidence().get(0).getMatched().contains("apparent age 15.5"), o.evidence().get(0).getMatched());
        assertEquals(100, o.evidence().get(0).getRegion().getX());
        assertEquals(90, o.evidence().get(0).getRegion().getHeight());
    }

    @Test
    void aSuggestiveSignalWithAnApparentMinorIsHeldForReviewNotBlocked() {
        assertEquals(Decision.REVIEW, RULE.judge(List.of(frame(0, 0.0, 0.9, face(16)))).decision());
        assertEquals(Decision.REVIEW, RULE.judge(List.of(frame(0, 0.0, 0.9, face(16)), frame(1000, 0.0, 0.95, face(12)))).decision());
        assertEquals(Decision.ALLOW, RULE.judge(List.of(frame(0, 0.0, 0.8, face(16)))).decision(), "suggestive under its threshold");
        assertEquals(Decision.BLOCK, RULE.judge(List.of(frame(0, 0.0, 0.9, face(16)), frame(1000, 0.55, 0.3, face(16)))).decision(),
                "a sexual frame with a minor blocks");
        assertEquals(Decision.BLOCK, RULE.judge(List.of(frame(0, 0.55, 0.95, face(16)))).decision(), "sexual wins over suggestive");
    }

    @Test
    void brokenSignalsAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> new MinorsPolicy.Signal(0.5, "ALLOW"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> new MinorsPolicy.Signal(0, "BLOCK"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> new MinorsPolicy("sexual_minors", "x", "",
                Map.of("sexual", new MinorsPolicy.Signal(0.5, "BLOCK")), 0.5, 18, 17, 1));
    }

    @Test
    void theUncertaintyMarginGoesToAHuman() {
        assertEquals(Decision.REVIEW, RULE.judge(List.of(frame(0, 0.95, 0, face(19.5)))).decision());
        assertEquals(Decision.REVIEW, RULE.judge(List.of(frame(0, 0.95, 0, face(20.99)))).decision());
        assertEquals(Decision.ALLOW, RULE.judge(List.of(frame(0, 0.95, 0, face(21.0)))).decision(), "21 is past the margin");
        assertEquals(Decision.BLOCK, RULE.judge(List.of(frame(0, 0.95, 0, face(17.99)))).decision());
    }

    @Test
    void anApparentMinorAloneIsNothing() {
        MinorsRule.Outcome o = RULE.judge(List.of(frame(0, 0.49, 0.84, face(8)), frame(1000, 0.0, 0.0, face(12))));
        assertEquals(Decision.ALLOW, o.decision());
        assertTrue(o.evidence().isEmpty());
    }

    @Test
    void sexualContentWithoutFacesOrWithAdultsIsNotThisRule() {
        assertEquals(Decision.ALLOW, RULE.judge(List.of(frame(0, 0.99, 0))).decision(), "no faces");
        assertEquals(Decision.ALLOW, RULE.judge(List.of(frame(0, 0.99, 0, face(30), face(45)))).decision());
        assertEquals(Decision.ALLOW, RULE.judge(List.of()).decision(), "no frames");
    }

    @Test
    void weakFacesAndBoxesOutsideTheFrameAreIgnored() {
        FaceAges.Face weak = new FaceAges.Face(new FaceBox(0, 0, 50, 50, 0.4), 12);
        FaceAges.Face outside = new FaceAges.Face(new FaceBox(5000, 0, 50, 50, 0.9), Double.NaN);
        assertEquals(Decision.ALLOW, RULE.judge(List.of(frame(0, 0.99, 0, weak, outside))).decision());
    }

    @Test
    void theReasonNamesCountsButThePublicReasonNoAges() {
        MinorsRule.Outcome o = RULE.judge(List.of(frame(0, 0.9, 0, face(16)), frame(1000, 0.9, 0, face(19))));
        assertTrue(o.reason().contains("1 sampled frame(s) with a face under apparent age 18 and 1 more under 21"), o.reason());
        assertEquals(2, o.evidence().size());
        assertFalse(MinorsRule.PUBLIC_REASON.matches(".*\\d.*"));
    }
}
