package io.safeframe.frames.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.safeframe.frames.classify.ClassifierPolicy;

/**
 * The likeness distances in the classifier policy are the calibration rule applied to the tuning photos (sample1–3),
 * and the rates on the frozen photos (sample4–6) stay within what docs/video-moderation.md ("Face descriptors")
 * reports. The rule: matchDistance (BLOCK) is the smallest 0.01 step at which no tuning genuine pair is missed;
 * reviewDistance (REVIEW) the largest 0.01 step at which no tuning impostor pair matches.
 */
class LikenessCalibrationTest {

    @Test
    void policyDistancesAreTheTuningRuleAndFrozenRatesHold() throws Exception {
        LikenessPolicy policy = ClassifierPolicy.fromClasspath().likeness();
        LikenessCalibration.Measured m = LikenessCalibration.measure(FaceDescriptors.fromClasspath(), policy.faceScoreMin());
        LikenessCalibration.Pairs tuning = m.pairs(true);
        LikenessCalibration.Pairs frozen = m.pairs(false);
        int lost = m.faces().stream().mapToInt(f -> f.lost().size()).sum();
        System.out.printf(Locale.ROOT, "likeness calibration: %d marked faces, %d not detected, %d described; %d of %d changed versions not re-detected;"
                + " descriptor net %.0f ms a face (median), %.0f ms a 1920-px photo (detect + describe every face)%n", m.marked(), m.undetected(),
                m.faces().size(), lost, m.faces().size() * LikenessCalibration.CHANGES.size(), m.msPerDescriptor(), m.msPerPhoto());
        for (var split : new Object[][] { { "tuning", tuning }, { "frozen", frozen } }) {
            LikenessCalibration.Pairs p = (LikenessCalibration.Pairs) split[1];
            System.out.printf(Locale.ROOT, "  %s: %d faces, %d genuine pairs, %d impostor pairs, closest impostor %.3f%n", split[0], p.faces(),
                    p.genuine().size(), p.impostor().size(), p.minImpostor());
            System.out.printf(Locale.ROOT, "    farthest genuine %.3f%n", p.maxGenuine());
            for (int c : new int[] { 30, 35, 38, 40, 45, 48, 50, 55, 60, 65 }) {
                double t = c / 100.0;
                System.out.printf(Locale.ROOT, "    distance %.2f: miss %.3f (%d/%d), false match %.4f (%d/%d)%n", t, p.missRate(t), p.misses(t),
                        p.genuine().size(), p.falseMatchRate(t), p.falseMatches(t), p.impostor().size());
            }
        }
        assertEquals(22, m.marked());
        assertEquals(m.marked() - m.undetected(), m.faces().size());
        assertTrue(tuning.genuine().size() > 100 && frozen.genuine().size() > 200, "enough genuine pairs to measure");

        // the policy holds what the rule gives on the tuning split (re-run and update both when the model or crop changes)
        assertEquals(tuning.noMissDistance(), policy.matchDistance(), 1e-9, "matchDistance vs the tuning rule");
        assertEquals(tuning.noFalseMatchDistance(), policy.reviewDistance(), 1e-9, "reviewDistance vs the tuning rule");

        // frozen split, at the policy's distances: the bounds docs/video-moderation.md states
        double fmrMatch = frozen.falseMatchRate(policy.matchDistance());
        double missMatch = frozen.missRate(policy.matchDistance());
        double fmrReview = frozen.falseMatchRate(policy.reviewDistance());
        double missReview = frozen.missRate(policy.reviewDistance());
        System.out.printf(Locale.ROOT, "  frozen at match %.2f: false match %.4f, miss %.3f; at review %.2f: false match %.4f, miss %.3f%n",
                policy.matchDistance(), fmrMatch, missMatch, policy.reviewDistance(), fmrReview, missReview);
        assertTrue(fmrMatch <= 0.001, "false-match rate at matchDistance " + fmrMatch);
        assertTrue(missMatch <= 0.03, "miss rate at matchDistance " + missMatch);
        assertTrue(fmrReview <= 0.001, "false-match rate at reviewDistance " + fmrReview);
        assertTrue(missReview <= 0.01, "miss rate at reviewDistance " + missReview);
    }
}
