package io.safeframe.frames.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Verdict;
import io.safeframe.frames.text.Box;
import io.safeframe.frames.text.TextLine;
import io.safeframe.frames.text.TextScreener;
import io.safeframe.frames.text.speech.Speech;

/** How what a clip's text was judged joins the frames' verdict. */
class ModalityVerdictTest {

    private static final Verdict FRAMES_ALLOW = Verdict.newBuilder().setSource("frame-classifier").setDecision(Decision.ALLOW)
            .setRuleId("nsfw:neutral").build();
    private static final Speech.Result NO_AUDIO = new Speech.Result(Speech.Status.NONE, "", List.of(), 0, 0);

    private static TextScreener.Screened read(String text, Decision decision, String category, double score) {
        return new TextScreener.Screened(new TextLine(TextLine.OCR, text, 1000, 2000, new Box(10, 20, 300, 40)),
                Verdict.newBuilder().setDecision(decision).setRuleId("encoder:" + category)
                        .addCategories(CategoryScore.newBuilder().setCategory(category).setScore(score)).build());
    }

    @Test
    void gibberishJudgedAJailbreakIsNoFindingInAClip() {
        Verdict v = ModalityVerdict.merge(FRAMES_ALLOW, List.of(read("foe a Be a ot wd", Decision.REVIEW, "jailbreak", 0.71)), NO_AUDIO);
        assertEquals(Decision.ALLOW, v.getDecision());
        assertTrue(v.getEvidenceList().isEmpty(), v.toString());
    }

    @Test
    void harmfulTextOnScreenStillCountsWithItsRegion() {
        Verdict v = ModalityVerdict.merge(FRAMES_ALLOW, List.of(read("foe a Be a ot wd", Decision.REVIEW, "jailbreak", 0.71),
                read("a slur on a sign", Decision.BLOCK, "hate_harassment", 0.93)), NO_AUDIO);
        assertEquals(Decision.BLOCK, v.getDecision());
        assertEquals("ocr:encoder:hate_harassment", v.getRuleId());
        assertEquals(1, v.getEvidenceCount());
        assertEquals("a slur on a sign", v.getEvidence(0).getMatched());
        assertEquals(300, v.getEvidence(0).getRegion().getWidth());
    }
}
