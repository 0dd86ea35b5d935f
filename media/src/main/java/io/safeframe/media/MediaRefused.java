package io.safeframe.media;

/** Untrusted media we will not hand to a decoder, or that the decoder could not read within its limits. */
public class MediaRefused extends Exception {

    public MediaRefused(String message) {
        super(message);
    }
}
