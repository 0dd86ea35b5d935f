package io.safeframe.frames.classify;

import java.util.List;
import java.util.Map;

import io.safeframe.frames.bank.HashBanks;
import io.safeframe.frames.faces.FaceAges;
import io.safeframe.frames.pdq.PdqHash;

/**
 * What one sampled frame showed: its PDQ hash and quality, category scores, bank matches, and the faces with their
 * apparent ages — searched only on frames with a sexual signal (minors policy), empty otherwise.
 */
public record FrameResult(int index, long timestampMs, PdqHash hash, int quality, Map<String, Double> scores, List<HashBanks.Hit> hits,
        List<FaceAges.Face> faces) {

    public FrameResult(int index, long timestampMs, PdqHash hash, int quality, Map<String, Double> scores, List<HashBanks.Hit> hits) {
        this(index, timestampMs, hash, quality, scores, hits, List.of());
    }
}
