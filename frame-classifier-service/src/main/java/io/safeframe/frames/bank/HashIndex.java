package io.safeframe.frames.bank;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.safeframe.frames.pdq.PdqHash;

/**
 * Multi-index hashing (Norouzi, Punjani, Fleet, "Fast search in Hamming space with multi-index hashing",
 * CVPR 2012) for 256-bit PDQ hashes. The hash is cut into 16 chunks of 16 bits; if two hashes differ in at
 * most r bits, some chunk differs in at most floor(r / 16) bits (pigeonhole). So a query looks up, per chunk,
 * every 16-bit value within that radius and checks only those candidates in full. At r = 31 that is 16 × 17
 * bucket reads, about 1,000,000 / 65,536 × 272 ≈ 4,200 candidates for a million random hashes.
 *
 * <p>Immutable: built in one go (counting sort into flat arrays, ~70 bytes per hash); HashBanks swaps in a
 * new one when the table changes.
 */
public final class HashIndex {

    private static final int CHUNKS = 16;
    private static final int BUCKETS = 1 << 16;

    private final long[] hashes; // 4 words per entry
    private final int[] payload; // the caller's id per entry (e.g. the bank row)
    private final int[][] offsets = new int[CHUNKS][];
    private final int[][] members = new int[CHUNKS][];
    private final int size;

    public record Match(int payload, int distance) {
    }

    public HashIndex(List<PdqHash> entries, int[] payloads) {
        size = entries.size();
        hashes = new long[size * 4];
        payload = Arrays.copyOf(payloads, size);
        for (int i = 0; i < size; i++) {
            PdqHash h = entries.get(i);
            for (int w = 0; w < 4; w++) {
                hashes[i * 4 + w] = h.word(w);
            }
        }
        for (int c = 0; c < CHUNKS; c++) {
            int[] count = new int[BUCKETS + 1];
            for (int i = 0; i < size; i++) {
                count[chunk(i, c) + 1]++;
            }
            for (int b = 0; b < BUCKETS; b++) {
                count[b + 1] += count[b];
            }
            int[] fill = Arrays.copyOf(count, BUCKETS);
            int[] ids = new int[size];
            for (int i = 0; i < size; i++) {
                ids[fill[chunk(i, c)]++] = i;
            }
            offsets[c] = count;
            members[c] = ids;
        }
    }

    /** The hash of entry i (entries are numbered in the order given to the constructor). */
    public PdqHash hash(int entry) {
        return PdqHash.ofWords(hashes[entry * 4], hashes[entry * 4 + 1], hashes[entry * 4 + 2], hashes[entry * 4 + 3]);
    }

    public int size() {
        return size;
    }

    private int chunk(int entry, int c) {
        return (int) (hashes[entry * 4 + (c >>> 2)] >>> ((c & 3) * 16)) & 0xffff;
    }

    private static int chunk(PdqHash h, int c) {
        return (int) (h.word(c >>> 2) >>> ((c & 3) * 16)) & 0xffff;
    }

    private int distance(int entry, PdqHash q) {
        int base = entry * 4;
        return Long.bitCount(hashes[base] ^ q.word(0)) + Long.bitCount(hashes[base + 1] ^ q.word(1))
                + Long.bitCount(hashes[base + 2] ^ q.word(2)) + Long.bitCount(hashes[base + 3] ^ q.word(3));
    }

    /** Every entry within maxDistance (≤ 47: chunk radius ≤ 2), nearest first. */
    public List<Match> query(PdqHash q, int maxDistance) {
        if (maxDistance < 0 || maxDistance > 47) {
            throw new IllegalArgumentException("maxDistance must be 0..47");
        }
        int radius = maxDistance / CHUNKS;
        List<Match> out = new ArrayList<>();
        // an entry can be a candidate in several chunks; report it once (from the first chunk where it qualifies)
        long[] seen = new long[(size + 63) / 64];
        for (int c = 0; c < CHUNKS; c++) {
            int v = chunk(q, c);
            visit(c, v, q, maxDistance, seen, out);
            if (radius >= 1) {
                for (int b1 = 0; b1 < 16; b1++) {
                    int v1 = v ^ (1 << b1);
                    visit(c, v1, q, maxDistance, seen, out);
                    if (radius >= 2) {
                        for (int b2 = b1 + 1; b2 < 16; b2++) {
                            visit(c, v1 ^ (1 << b2), q, maxDistance, seen, out);
                        }
                    }
                }
            }
        }
        out.sort((a, b) -> Integer.compare(a.distance(), b.distance()));
        return out;
    }

    private void visit(int c, int bucket, PdqHash q, int maxDistance, long[] seen, List<Match> out) {
        int[] ids = members[c];
        for (int k = offsets[c][bucket], end = offsets[c][bucket + 1]; k < end; k++) {
            int e = ids[k];
            long bit = 1L << (e & 63);
            if ((seen[e >>> 6] & bit) != 0) {
                continue;
            }
            seen[e >>> 6] |= bit;
            int d = distance(e, q);
            if (d <= maxDistance) {
                out.add(new Match(payload[e], d));
            }
        }
    }
}
