package io.safeframe.frames.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Verdict;
import io.safeframe.frames.bank.HashBanks;
import io.safeframe.frames.pdq.PdqHash;

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
}
