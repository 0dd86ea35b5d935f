package io.safeframe.gateway.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Evidence;
import io.safeframe.api.v1.Region;
import io.safeframe.api.v1.Verdict;

/** What staff see of a clip's findings (time span, modality, region) and what the owner does not. */
class VerdictViewTest {

    private static final Verdict CLIP = Verdict.newBuilder().setSource("frame-classifier").setDecision(Decision.BLOCK)
            .addEvidence(Evidence.newBuilder().setRuleId("ocr:rules+encoder-agree:hate_harassment").setCategory("hate_harassment")
                    .setMatched("a slur on a sign").setTimestampMs(1200).setEndTimestampMs(3400).setModality("ocr")
                    .setRegion(Region.newBuilder().setX(40).setY(300).setWidth(560).setHeight(48)))
            .addEvidence(Evidence.newBuilder().setRuleId("speech:rules:self_harm").setCategory("self_harm").setMatched("how many pills")
                    .setTimestampMs(500).setEndTimestampMs(2100).setModality("speech"))
            .addEvidence(Evidence.newBuilder().setRuleId("nsfw:porn").setCategory("sexual_explicit").setTimestampMs(800).setScore(0.97))
            .build();

    @Test
    void staffSeeWhereAndWhenEachFindingWasReadOrHeard() {
        VerdictView v = VerdictView.of(CLIP);
        Map<String, Object> text = v.evidence().get(0);
        assertEquals("ocr", text.get("modality"));
        assertEquals(1200L, text.get("timestampMs"));
        assertEquals(3400L, text.get("endTimestampMs"));
        assertEquals(Map.of("x", 40, "y", 300, "width", 560, "height", 48), text.get("region"));
        Map<String, Object> speech = v.evidence().get(1);
        assertEquals("speech", speech.get("modality"));
        assertFalse(speech.containsKey("region"), "speech has no place on the frame");
        Map<String, Object> frame = v.evidence().get(2);
        assertEquals("frame", frame.get("modality"), "no modality means a whole frame");
        assertFalse(frame.containsKey("endTimestampMs"), "a frame is a point in time");
    }

    @Test
    void theOwnerSeesRuleAndCategoryOnly() {
        for (Map<String, Object> e : VerdictView.of(CLIP).forOwner().evidence()) {
            assertEquals(Set.of("ruleId", "category"), e.keySet());
        }
    }
}
