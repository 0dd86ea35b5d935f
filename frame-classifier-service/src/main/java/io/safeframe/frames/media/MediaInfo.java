package io.safeframe.frames.media;

/** What ffprobe says about the first video stream. image is true for single pictures (PNG, JPEG, WebP, …); frameCount 0 when unknown. */
public record MediaInfo(boolean image, String container, String codec, int width, int height, String pixelFormat,
        double durationSeconds, double framesPerSecond, long frameCount) {

    public boolean grey() {
        return pixelFormat != null && (pixelFormat.startsWith("gray") || pixelFormat.equals("ya8") || pixelFormat.startsWith("ya16"));
    }
}
