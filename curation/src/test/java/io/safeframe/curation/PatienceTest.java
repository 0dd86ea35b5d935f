package io.safeframe.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.grpc.Status;

/** The retry budget on a fake clock: sleeping advances it, so a ten-minute wait takes no time. */
class PatienceTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Patience patience = new Patience(60, now::get, millis -> now.addAndGet(millis * 1_000_000L));

    private static Supplier<String> failing(AtomicInteger calls, int failures, Status status) {
        return () -> {
            if (calls.incrementAndGet() <= failures) {
                throw status.withDescription("too many analyses queued; retry shortly").asRuntimeException();
            }
            return "verdict";
        };
    }

    @Test
    void aBusyServiceIsAskedAgainForAsLongAsTheBudgetAllows() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // ten "busy" answers in a row: more than the six attempts the old rule allowed, well within 60 s of back-off
        assertEquals("verdict", patience.call("frame-classifier", failing(calls, 10, Status.UNAVAILABLE)));
        assertEquals(11, calls.get());
    }

    @Test
    void noAnswerForAWholeBudgetLeavesTheItemUncheckedAndLaterItemsFailAtOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        long start = now.get();
        Services.Unavailable first = assertThrows(Services.Unavailable.class,
                () -> patience.call("verify", failing(calls, Integer.MAX_VALUE, Status.UNAVAILABLE)));
        assertEquals(Status.Code.UNAVAILABLE, first.code);
        long waited = now.get() - start;
        assertTrue(waited >= 60_000_000_000L && waited < 70_000_000_000L, "waited " + waited / 1_000_000 + " ms");

        // the service is down: the next item costs one call, not another budget
        int before = calls.get();
        assertThrows(Services.Unavailable.class, () -> patience.call("verify", failing(calls, Integer.MAX_VALUE, Status.DEADLINE_EXCEEDED)));
        assertEquals(before + 1, calls.get());
        // another service is not affected by it
        assertEquals("verdict", patience.call("prompt-guard", failing(new AtomicInteger(), 3, Status.RESOURCE_EXHAUSTED)));

        // once it answers again, it gets the whole budget back
        assertEquals("verdict", patience.call("verify", () -> "verdict"));
        AtomicInteger again = new AtomicInteger();
        assertEquals("verdict", patience.call("verify", failing(again, 5, Status.UNAVAILABLE)));
        assertEquals(6, again.get());
    }

    @Test
    void aRefusalIsNotRetriedAndAnIdentityProblemStopsTheRun() {
        AtomicInteger calls = new AtomicInteger();
        Services.Refused refused = assertThrows(Services.Refused.class,
                () -> patience.call("frame-classifier", failing(calls, Integer.MAX_VALUE, Status.INVALID_ARGUMENT)));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.code);
        assertEquals(1, calls.get());
        assertThrows(Services.Misconfigured.class,
                () -> patience.call("verify", failing(new AtomicInteger(), Integer.MAX_VALUE, Status.PERMISSION_DENIED)));
    }
}
