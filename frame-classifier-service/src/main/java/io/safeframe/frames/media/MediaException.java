package io.safeframe.frames.media;

/** Media we cannot or will not decode: truncated, corrupt, over a limit, not an image or video. */
public class MediaException extends Exception {

    public MediaException(String message) {
        super(message);
    }
}
