package io.safeframe.provenance.watermark;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Embed and read time per 1080p luma frame on one thread (bench/watermark). */
@Tag("bench")
class WatermarkSpeedBench {

    @Test
    void perFrame1080p() {
        Watermarker mark = new Watermarker(new WatermarkKey("bench-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        boolean[] cw = Payload.codeword(new byte[8]);
        int w = 1920;
        int h = 1080;
        byte[] frame = new byte[w * h];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (96 + (i % w) / 30 + r.nextInt(32));
        }
        for (int i = 0; i < 30; i++) {
            mark.embed(frame.clone(), w, h, cw);
            mark.read(frame, w, h);
        }
        int n = 60;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            mark.embed(frame.clone(), w, h, cw);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            mark.read(frame, w, h);
        }
        long t2 = System.nanoTime();
        System.out.printf("watermark: 1080p embed %.1f ms/frame, read %.1f ms/frame (one thread)%n", (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n);
    }
}
