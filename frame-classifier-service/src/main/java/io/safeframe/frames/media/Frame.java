package io.safeframe.frames.media;

/** One decoded picture: packed RGB24 (channels 3) or grey (channels 1), row-major. */
public record Frame(int index, long timestampMs, int width, int height, int channels, byte[] pixels) {
}
