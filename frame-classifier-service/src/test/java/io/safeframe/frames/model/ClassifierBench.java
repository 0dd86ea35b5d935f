package io.safeframe.frames.model;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.safeframe.frames.classify.FrameAnalyzer;
import io.safeframe.frames.media.Frame;

/** Throughput of the classifier at 224×224 on one thread, and of PDQ on a 720p frame (bench/frames-bank). */
@Tag("bench")
class ClassifierBench {

    @Test
    void framesPerSecondOnOneCore() {
        NsfwClassifier classifier = NsfwClassifier.fromClasspath();
        float[] input = new float[224 * 224 * 3];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < 20; i++) {
            classifier.classifyScaled(input);
        }
        int n = 50;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            classifier.classifyScaled(input);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("bank: classifier MobileNetV2 224x224, one thread: %.1f frames/s (%.1f ms/frame)%n", n / s, 1000 * s / n);

        byte[] px = new byte[1280 * 720 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) r.nextInt(256);
        }
        Frame frame = new Frame(0, 0, 1280, 720, 3, px);
        for (int i = 0; i < 50; i++) {
            FrameAnalyzer.pdq(frame);
        }
        t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            FrameAnalyzer.pdq(frame);
        }
        s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("bank: PDQ of a 720p frame (squash to 512 + hash), one thread: %.0f frames/s%n", 200 / s);
    }
}
