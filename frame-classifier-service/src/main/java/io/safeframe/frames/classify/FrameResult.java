package io.safeframe.frames.classify;

import java.util.List;
import java.util.Map;

import io.safeframe.frames.bank.HashBanks;
import io.safeframe.frames.pdq.PdqHash;

/** What one sampled frame showed: its PDQ hash and quality, category scores, and bank matches. */
public record FrameResult(int index, long timestampMs, PdqHash hash, int quality, Map<String, Double> scores, List<HashBanks.Hit> hits) {
}
