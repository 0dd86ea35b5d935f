package io.safeframe.frames.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.safeframe.frames.pdq.PdqHash;

/**
 * The bank benchmark (run by bench/frames-bank, not by the test command): 1,000,000 random hashes plus
 * 1,000 planted near-duplicates (distance 1..31); every planted one must be found and no random query may
 * match. Prints build time and query latency percentiles.
 */
@Tag("bench")
class HashIndexBench {

    @Test
    void millionHashes() {
        SplittableRandom r = new SplittableRandom(2026);
        int n = 1_000_000;
        List<PdqHash> bank = new ArrayList<>(n);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            bank.add(HashIndexTest.random(r));
            ids[i] = i;
        }
        long t0 = System.nanoTime();
        HashIndex index = new HashIndex(bank, ids);
        System.out.printf("bank: built index of %d hashes in %.0f ms%n", n, (System.nanoTime() - t0) / 1e6);
        // warm-up
        for (int i = 0; i < 2000; i++) {
            index.query(HashIndexTest.random(r), 31);
        }
        int planted = 1000;
        long[] plantedNs = new long[planted];
        int found = 0;
        for (int q = 0; q < planted; q++) {
            int target = r.nextInt(n);
            PdqHash query = HashIndexTest.flip(bank.get(target), 1 + r.nextInt(31), r);
            long s = System.nanoTime();
            List<HashIndex.Match> m = index.query(query, 31);
            plantedNs[q] = System.nanoTime() - s;
            if (m.stream().anyMatch(x -> x.payload() == target)) {
                found++;
            }
        }
        int randoms = 5000;
        long[] randomNs = new long[randoms];
        int falseMatches = 0;
        for (int q = 0; q < randoms; q++) {
            PdqHash query = HashIndexTest.random(r);
            long s = System.nanoTime();
            falseMatches += index.query(query, 31).size();
            randomNs[q] = System.nanoTime() - s;
        }
        print("planted", plantedNs);
        print("random", randomNs);
        System.out.printf("bank: planted found %d/%d, false matches %d%n", found, planted, falseMatches);
        assertEquals(planted, found);
        assertEquals(0, falseMatches);
    }

    static void print(String what, long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf("bank: %s queries p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", what, s[s.length / 2] / 1e6,
                s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6);
    }
}
