package io.safeframe.guard.scorer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A logistic-regression scorer over hashed character n-grams: P(unsafe | normalised prompt). Trained by
 * {@link TrainScorer} on the project's labelled prompts; runs offline in microseconds; immutable.
 */
public final class PromptScorer {

    public static final String MODEL_ID = "ngram-logreg/1";
    private static final String RESOURCE = "model/prompt-scorer.bin.gz";
    private static final int MAGIC = 0x5AFE5C01;

    private final float[] weights;
    private final float bias;

    PromptScorer(float[] weights, float bias) {
        if (weights.length != NgramFeatures.DIMENSIONS) {
            throw new IllegalArgumentException("model has " + weights.length + " weights, expected " + NgramFeatures.DIMENSIONS);
        }
        this.weights = weights;
        this.bias = bias;
    }

    public double score(String normalised) {
        return sigmoid(margin(NgramFeatures.of(normalised)));
    }

    double margin(NgramFeatures.Vector x) {
        double z = bias;
        for (int i : x.indices()) {
            z += weights[i] * x.value();
        }
        return z;
    }

    static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }

    /** The model built into the service; null when none was trained (the rules still work alone). */
    public static PromptScorer builtIn() {
        try (InputStream in = PromptScorer.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            return in == null ? null : read(in);
        } catch (IOException e) {
            throw new IllegalStateException("prompt scorer model unreadable: " + e.getMessage(), e);
        }
    }

    static PromptScorer read(InputStream raw) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a prompt scorer model");
            }
            int n = in.readInt();
            float bias = in.readFloat();
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = in.readFloat();
            }
            return new PromptScorer(w, bias);
        }
    }

    void write(OutputStream raw) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
            out.writeInt(MAGIC);
            out.writeInt(weights.length);
            out.writeFloat(bias);
            for (float w : weights) {
                out.writeFloat(w);
            }
        }
    }
}
