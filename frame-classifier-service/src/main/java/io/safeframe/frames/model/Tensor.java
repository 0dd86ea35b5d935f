package io.safeframe.frames.model;

/** A feature map in NHWC order without the batch axis (h × w × c, channel fastest), as TF.js keeps it. */
public record Tensor(int h, int w, int c, float[] data) {

    public Tensor(int h, int w, int c) {
        this(h, w, c, new float[h * w * c]);
    }
}
