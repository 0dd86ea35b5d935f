package io.safeframe.media;

import java.time.Duration;

/**
 * What one decoder/encoder child may use: address space and CPU seconds (enforced by the kernel through prlimit),
 * the largest file it may write, and wall-clock time (enforced here; the child is killed when it runs over).
 */
public record ProcessLimits(long memoryBytes, long cpuSeconds, long maxFileBytes, Duration timeout) {

    /** Decoding a clip for hashing or classification: 2 GiB address space, 2 CPU minutes, 2 minutes wall clock. */
    public static final ProcessLimits DECODE = new ProcessLimits(2L << 30, 120, 1L << 30, Duration.ofMinutes(2));

    /** Re-encoding a whole video (marking, generating): libx264's threads need more room and time. */
    public static final ProcessLimits ENCODE = new ProcessLimits(3L << 30, 600, 2L << 30, Duration.ofMinutes(10));

    public ProcessLimits withTimeout(Duration timeout) {
        return new ProcessLimits(memoryBytes, cpuSeconds, maxFileBytes, timeout);
    }
}
