package io.safeframe.frames.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.safeframe.frames.pdq.PdqHash;

/** Multi-index search against brute force: same answers, planted near-duplicates all found, no false matches. */
class HashIndexTest {

    static PdqHash random(SplittableRandom r) {
        return PdqHash.ofWords(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
    }

    /** Flips exactly `bits` distinct bits. */
    static PdqHash flip(PdqHash h, int bits, SplittableRandom r) {
        long[] w = { h.word(0), h.word(1), h.word(2), h.word(3) };
        java.util.Set<Integer> chosen = new java.util.HashSet<>();
        while (chosen.size() < bits) {
            chosen.add(r.nextInt(256));
        }
        for (int k : chosen) {
            w[k >>> 6] ^= 1L << (k & 63);
        }
        return PdqHash.ofWords(w[0], w[1], w[2], w[3]);
    }

    @Test
    void findsExactlyWhatBruteForceFinds() {
        SplittableRandom r = new SplittableRandom(42);
        int n = 100_000;
        List<PdqHash> bank = new ArrayList<>(n);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            bank.add(random(r));
            ids[i] = i;
        }
        HashIndex index = new HashIndex(bank, ids);
        int planted = 0;
        for (int q = 0; q < 300; q++) {
            int target = r.nextInt(n);
            int distance = r.nextInt(32); // 0..31: must be found at threshold 31
            PdqHash query = flip(bank.get(target), distance, r);
            List<HashIndex.Match> found = index.query(query, 31);
            assertTrue(found.stream().anyMatch(m -> m.payload() == target && m.distance() == distance),
                    "planted near-duplicate at distance " + distance + " found");
            planted++;
            // brute force agrees on the whole answer
            long brute = bank.stream().filter(h -> h.distance(query) <= 31).count();
            assertEquals(brute, found.size());
        }
        assertEquals(300, planted);
        for (int q = 0; q < 300; q++) {
            assertTrue(index.query(random(r), 31).isEmpty(), "random 256-bit hashes are ~128 bits apart: no false matches");
        }
    }

    @Test
    void beyondTheThresholdIsNotAMatch() {
        SplittableRandom r = new SplittableRandom(7);
        PdqHash h = random(r);
        HashIndex index = new HashIndex(List.of(h), new int[] { 5 });
        assertEquals(1, index.query(flip(h, 31, r), 31).size());
        assertEquals(0, index.query(flip(h, 32, r), 31).size());
        assertEquals(5, index.query(h, 0).get(0).payload());
    }
}
