package io.safeframe.media;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.context.Context;

/**
 * The pool media analyses run on. Each analysis holds decoded frames in the heap and an ffmpeg child beside it, so
 * the number running at once is what bounds a service's memory; work beyond the queue is rejected
 * ({@link java.util.concurrent.RejectedExecutionException}), which services answer as a transient overload.
 * <p>
 * A task runs in the trace context of the code that submitted it: calls an analysis makes (frame-classifier screens
 * the text it reads with prompt-guard, on a blocking stub) take their parent from the worker thread's current context,
 * which would otherwise be empty and start a trace of their own for every clip.
 */
public final class MediaWorkers {

    private MediaWorkers() {
    }

    public static ExecutorService bounded(String name, int running, int queued) {
        return Context.taskWrapping(new ThreadPoolExecutor(running, running, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }));
    }
}
