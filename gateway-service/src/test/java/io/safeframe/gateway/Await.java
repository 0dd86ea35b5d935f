package io.safeframe.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a running service to act on a change (a promoted policy, a rollback): the one poll loop of these tests. */
final class Await {

    /** How long a change may take to reach every instance before the test fails. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private Await() {
    }

    /** Milliseconds until {@code condition} holds, polled every 200 ms; fails after {@link #WAIT}. */
    static long millisUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - start < WAIT.toNanos(), "not within " + WAIT + ": " + what);
            Thread.sleep(200);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
