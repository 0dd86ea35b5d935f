package io.safeframe.curation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * How long a shard keeps asking a service that does not answer. The checking services say "busy" as UNAVAILABLE when
 * their queues are full, which on the wire looks like "down"; a fixed number of attempts therefore marked items
 * {@code unchecked} whenever several shards shared too few replicas (59 of 1,070 with 4 shards on 2 cores), and a rerun
 * gave a different result. So the limit is time, not attempts: one item is retried with jittered exponential back-off
 * for up to the budget, as long as the service answers somebody. A service that has answered nobody for a whole budget
 * is down: from then on its items fail at once (no budget per item) until it answers again.
 */
final class Patience {

    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    static final long FIRST_BACKOFF_MILLIS = 250;
    static final long MAX_BACKOFF_MILLIS = 8_000;

    private final long budgetNanos;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    /** When each service last answered anything (a verdict or a refusal), or was first asked. */
    private final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();

    Patience(long budgetSeconds) {
        this(budgetSeconds, System::nanoTime, Thread::sleep);
    }

    Patience(long budgetSeconds, LongSupplier nanoClock, Sleeper sleeper) {
        this.budgetNanos = Math.max(1, budgetSeconds) * 1_000_000_000L;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    <T> T call(String service, Supplier<T> call) throws Services.Refused, Services.Unavailable {
        long itemStarted = nanoClock.getAsLong();
        // a service is given a whole budget from the first time it is asked
        lastAnswer.putIfAbsent(service, itemStarted);
        long backoffMillis = FIRST_BACKOFF_MILLIS;
        while (true) {
            try {
                T answer = call.get();
                answered(service);
                return answer;
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                switch (code) {
                    case UNAUTHENTICATED, PERMISSION_DENIED, UNIMPLEMENTED ->
                        throw new Services.Misconfigured(service + " refused the curation identity or call: " + e.getStatus());
                    case UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, ABORTED, INTERNAL, UNKNOWN -> {
                        long now = nanoClock.getAsLong();
                        if (now - itemStarted >= budgetNanos || down(service, now)) {
                            System.err.println("curation: " + service + " gave no answer for " + (now - itemStarted) / 1_000_000 + " ms: "
                                    + e.getStatus());
                            throw new Services.Unavailable(code);
                        }
                    }
                    default -> {
                        answered(service);
                        System.err.println("curation: " + service + " refused an item: " + e.getStatus());
                        throw new Services.Refused(code);
                    }
                }
            }
            try {
                // full jitter between half and the whole step: shards that were refused together do not return together
                sleeper.sleep(backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Services.Unavailable(Status.Code.CANCELLED);
            }
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        }
    }

    private void answered(String service) {
        lastAnswer.put(service, nanoClock.getAsLong());
    }

    /** No answer from the service for a whole budget, counted from its last answer or from when it was first asked. */
    private boolean down(String service, long now) {
        return now - lastAnswer.get(service) >= budgetNanos;
    }
}
