package io.safeframe.frames.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Verdict;
import io.safeframe.frames.faces.DemoPhotos;
import io.safeframe.frames.faces.FaceAges;
import io.safeframe.frames.faces.MinorsRule;
import io.safeframe.frames.media.Frame;
import io.safeframe.frames.model.NsfwClassifier;

/**
 * The whole frame chain with the real models — image model, then faces only on signalled frames, then the verdict —
 * on the six face-api demo photos (adult women at parties and on sofas). Asserts the wiring (faces searched exactly on
 * signalled frames; a sexual_minors finding only with a signal and a young-estimated face) and prints what the chain
 * decides on these adults: the minors rule's false alarms on real photos (docs/video-moderation.md).
 */
class ApparentMinorsChainTest {

    static ClassifierPolicy policy;
    static FrameAnalyzer analyzer;
    static VerdictAggregator aggregator;

    @BeforeAll
    static void load() {
        policy = ClassifierPolicy.fromClasspath();
        analyzer = new FrameAnalyzer(NsfwClassifier.fromClasspath(), FaceAges.fromClasspath(), policy, h -> List.of());
        aggregator = new VerdictAggregator(policy, (bank, label) -> 1);
    }

    @Test
    void facesAreSearchedExactlyOnSignalledFramesAndTheRuleFollowsThem() throws Exception {
        int signalled = 0;
        int minorsFindings = 0;
        for (String name : DemoPhotos.NAMES) {
            Frame f = DemoPhotos.load(name);
            FrameResult r = analyzer.analyze(f);
            boolean signal = policy.minors().signal(r.scores()) != null;
            signalled += signal ? 1 : 0;
            if (!signal) {
                assertTrue(r.faces().isEmpty(), name + ": faces searched without a sexual signal");
            } else {
                assertFalse(r.faces().isEmpty(), name + ": every demo photo shows faces the detector finds");
            }
            Verdict v = aggregator.verdict(List.of(r), 0);
            double youngest = r.faces().stream().mapToDouble(FaceAges.Face::age).min().orElse(Double.NaN);
            boolean minors = v.getEvidenceList().stream().anyMatch(e -> e.getRuleId().equals(MinorsRule.RULE_ID));
            minorsFindings += minors ? 1 : 0;
            assertEquals(signal && youngest < policy.minors().uncertainAge(), minors, name);
            if (minors) {
                assertTrue(v.getDecision() == Decision.REVIEW || v.getDecision() == Decision.BLOCK, name);
            }
            if (minors && youngest < policy.minors().minorAge() && policy.minors().signal(r.scores()).signal().blocks()) {
                assertEquals(Decision.BLOCK, v.getDecision(), name);
                assertEquals(MinorsRule.RULE_ID, v.getRuleId(), name);
            }
            System.out.printf(Locale.ROOT, "chain %s: sexual %.2f suggestive %.2f, %d faces, youngest %.1f → %s %s%n", name,
                    r.scores().get("sexual"), r.scores().get("suggestive"), r.faces().size(), youngest, v.getDecision(), v.getRuleId());
        }
        System.out.printf("chain on demo photos: %d of 6 signalled, %d with a sexual_minors finding%n", signalled, minorsFindings);
    }
}
