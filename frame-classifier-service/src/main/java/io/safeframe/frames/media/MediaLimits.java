package io.safeframe.frames.media;

import java.time.Duration;

/**
 * What we agree to decode. Hostile media is decoded by a child ffmpeg process, so a decoder crash or hang
 * costs only that child; these limits bound its time, memory and output.
 */
public record MediaLimits(long maxBytes, Duration maxDuration, int maxWidth, int maxHeight, Duration processTimeout,
        long processMemoryBytes) {

    public static final MediaLimits DEFAULT = new MediaLimits(256L << 20, Duration.ofMinutes(5), 3840, 2160,
            Duration.ofMinutes(2), 2L << 30);
}
