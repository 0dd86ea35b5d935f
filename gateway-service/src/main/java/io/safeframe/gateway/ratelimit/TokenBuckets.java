package io.safeframe.gateway.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (an IP address, an account): each holds up to {@code burst} tokens and gains {@code rate}
 * per second; a request takes one or is refused with the time until one is there. The map is bounded: when it
 * is full, buckets that have refilled completely (idle keys, indistinguishable from new ones) are dropped first.
 */
public final class TokenBuckets {

    /** Allowed, or refused with how long to wait (whole seconds, at least 1, for Retry-After). */
    public record Decision(boolean allowed, long retryAfterSeconds) {
        static final Decision ALLOW = new Decision(true, 0);
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }
    }

    private final double rate;
    private final double burst;
    private final int maxKeys;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TokenBuckets(double ratePerSecond, int burst, int maxKeys, LongSupplier nanoClock) {
        if (ratePerSecond <= 0 || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("rate > 0, burst >= 1 and maxKeys >= 1 are required");
        }
        this.rate = ratePerSecond;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.nanoClock = nanoClock;
    }

    public Decision take(String key) {
        long now = nanoClock.getAsLong();
        if (buckets.size() >= maxKeys && !buckets.containsKey(key)) {
            dropIdle(now);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            refill(bucket, now);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Decision.ALLOW;
            }
            double seconds = (1 - bucket.tokens) / rate;
            return new Decision(false, Math.max(1, (long) Math.ceil(seconds)));
        }
    }

    private void refill(Bucket bucket, long now) {
        double gained = (now - bucket.updated) / 1e9 * rate;
        bucket.tokens = Math.min(burst, bucket.tokens + gained);
        bucket.updated = now;
    }

    private void dropIdle(long now) {
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                refill(e.getValue(), now);
                return e.getValue().tokens >= burst;
            }
        });
        if (buckets.size() >= maxKeys) {
            // every key is busy (a flood of distinct addresses): start over rather than grow without bound
            buckets.clear();
        }
    }

    int size() {
        return buckets.size();
    }
}
