package io.safeframe.frames.text;

/** A rectangle in frame pixels, origin top-left (where a caption was read). */
public record Box(int x, int y, int width, int height) {

    public static final Box NONE = new Box(0, 0, 0, 0);

    public boolean isNone() {
        return width <= 0 || height <= 0;
    }

    public Box union(Box other) {
        if (isNone()) {
            return other;
        }
        if (other.isNone()) {
            return this;
        }
        int left = Math.min(x, other.x);
        int top = Math.min(y, other.y);
        int right = Math.max(x + width, other.x + other.width);
        int bottom = Math.max(y + height, other.y + other.height);
        return new Box(left, top, right - left, bottom - top);
    }
}
