package io.safeframe.identity.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;

/** Outside a Vert.x context the trace context is the thread's own: an answer callback must not leave one behind. */
class AnswerContextInterceptorTest {

    private static final ContextKey<String> STEP = ContextKey.named("step");

    @Test
    void theCallbackRunsInTheContextItsCallStartedIn() {
        String[] seen = new String[1];
        AnswerContextInterceptor.run(Context.root().with(STEP, "job-1 marking"), () -> seen[0] = Context.current().get(STEP));
        assertEquals("job-1 marking", seen[0]);
        assertNull(Context.current().get(STEP), "and the thread is as it was");
    }

    @Test
    void aContextTheCallbackAttachedAndNeverDetachedIsUndone() {
        AnswerContextInterceptor.run(Context.root().with(STEP, "job-1 marking"), () -> {
            // what the context-propagation provider did around a Mutiny callback: attach, and drop the scope
            Context.root().with(STEP, "captured").makeCurrent();
        });
        assertNull(Context.current().get(STEP), "the next request on this thread would have been a child of 'captured'");
    }

    @Test
    void theThreadsOwnContextIsPutBackEvenWhenTheCallbackThrows() {
        try (Scope ignored = Context.root().with(STEP, "thread's own").makeCurrent()) {
            assertThrows(IllegalStateException.class, () -> AnswerContextInterceptor.run(Context.root().with(STEP, "job-2"), () -> {
                Context.root().with(STEP, "captured").makeCurrent();
                throw new IllegalStateException("answer handler failed");
            }));
            assertEquals("thread's own", Context.current().get(STEP));
        }
        assertNull(Context.current().get(STEP));
    }

    /** Why a scope is not enough: closing one that is no longer current is ignored, and the leftover stays. */
    @Test
    void aScopeAloneCannotUndoTheLeftover() {
        Context leftover = Context.root().with(STEP, "captured");
        try (Scope ignored = Context.root().with(STEP, "job-3").makeCurrent()) {
            leftover.makeCurrent();
        }
        assertEquals("captured", Context.current().get(STEP));
        Context.root().makeCurrent(); // this test's own leftover, cleared for the others on this thread
    }
}
