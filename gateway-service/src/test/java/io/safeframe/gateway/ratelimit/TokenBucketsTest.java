package io.safeframe.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The bucket arithmetic on a clock the test moves. */
class TokenBucketsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private void advance(double seconds) {
        now.addAndGet((long) (seconds * 1e9));
    }

    @Test
    void aBurstIsAllowedThenTheRateAndRetryAfterSaysWhen() {
        TokenBuckets buckets = new TokenBuckets(0.5, 3, 100, now::get);
        for (int i = 0; i < 3; i++) {
            assertTrue(buckets.take("10.0.0.1").allowed(), "request " + i + " of the burst");
        }
        TokenBuckets.Decision refused = buckets.take("10.0.0.1");
        assertFalse(refused.allowed());
        assertEquals(2, refused.retryAfterSeconds(), "one token every 2 s");
        advance(1.0);
        assertEquals(1, buckets.take("10.0.0.1").retryAfterSeconds(), "half a token is there; the wait shrinks");
        advance(1.0);
        assertTrue(buckets.take("10.0.0.1").allowed());
        // another key has its own bucket
        assertTrue(buckets.take("10.0.0.2").allowed());
    }

    @Test
    void idleBucketsRefillOnlyUpToTheBurst() {
        TokenBuckets buckets = new TokenBuckets(10, 2, 100, now::get);
        advance(3600);
        assertTrue(buckets.take("a").allowed());
        assertTrue(buckets.take("a").allowed());
        assertFalse(buckets.take("a").allowed(), "an hour idle is still a burst of 2");
    }

    @Test
    void theMapStaysBoundedUnderAFloodOfDistinctKeys() {
        TokenBuckets buckets = new TokenBuckets(1, 5, 1000, now::get);
        for (int i = 0; i < 50_000; i++) {
            buckets.take("addr-" + i);
        }
        assertTrue(buckets.size() <= 1000, "size " + buckets.size());
        for (int i = 0; i < 5; i++) {
            assertTrue(buckets.take("busy").allowed());
        }
        assertFalse(buckets.take("busy").allowed(), "a key's refusal holds while the map is trimmed");
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(0, 1, 1, now::get));
        assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(1, 0, 1, now::get));
    }
}
