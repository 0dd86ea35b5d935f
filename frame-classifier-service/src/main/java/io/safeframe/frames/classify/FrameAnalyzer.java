package io.safeframe.frames.classify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.safeframe.frames.bank.HashBanks;
import io.safeframe.frames.faces.FaceAges;
import io.safeframe.frames.media.Frame;
import io.safeframe.frames.model.NsfwClassifier;
import io.safeframe.frames.pdq.Pdq;
import io.safeframe.frames.pdq.PdqHash;

/**
 * Hashes, classifies and bank-matches one frame, and on frames with a sexual signal finds the faces and their apparent
 * ages (the minors policy). Frames under the quality floor are not matched (too flat to trust).
 */
public final class FrameAnalyzer {

    private final NsfwClassifier classifier;
    private final FaceAges faces;
    private final ClassifierPolicy policy;
    private final Function<PdqHash, List<HashBanks.Hit>> banks;

    public FrameAnalyzer(NsfwClassifier classifier, FaceAges faces, ClassifierPolicy policy, Function<PdqHash, List<HashBanks.Hit>> banks) {
        this.classifier = classifier;
        this.faces = faces;
        this.policy = policy;
        this.banks = banks;
    }

    public static Pdq.Result pdq(Frame f) {
        return Pdq.hashPixels(f.pixels(), f.width(), f.height(), f.channels());
    }

    /** Time spent per stage over the frames of one clip (a clip is analysed on one thread). */
    public static final class StageTimes {
        long pdqNanos;
        long modelNanos;
        long facesNanos;

        public long pdqNanos() {
            return pdqNanos;
        }

        public long modelNanos() {
            return modelNanos;
        }

        public long facesNanos() {
            return facesNanos;
        }
    }

    public FrameResult analyze(Frame f) {
        return analyze(f, new StageTimes());
    }

    public FrameResult analyze(Frame f, StageTimes times) {
        long t0 = System.nanoTime();
        Pdq.Result pdq = pdq(f);
        long t1 = System.nanoTime();
        float[] probabilities = classifier.classify(f);
        long t2 = System.nanoTime();
        times.pdqNanos += t1 - t0;
        times.modelNanos += t2 - t1;
        Map<String, Double> scores = new LinkedHashMap<>();
        for (ClassifierPolicy.Category c : policy.categories()) {
            double s = 0;
            for (String cls : c.classes()) {
                s += probabilities[index(cls)];
            }
            scores.put(c.code(), s);
        }
        List<HashBanks.Hit> hits = pdq.quality() >= policy.hashQualityMin() ? banks.apply(pdq.hash()) : List.of();
        // faces only where they can matter: an apparent minor alone decides nothing, and the search costs up to ≈0.6 s
        long t3 = System.nanoTime();
        List<FaceAges.Face> found = policy.minors().signal(scores) == null ? List.of() : faces.faces(f, policy.minors().faceScoreMin());
        times.facesNanos += System.nanoTime() - t3;
        return new FrameResult(f.index(), f.timestampMs(), pdq.hash(), pdq.quality(), scores, hits, found);
    }

    private static int index(String cls) {
        for (int i = 0; i < NsfwClassifier.CLASSES.length; i++) {
            if (NsfwClassifier.CLASSES[i].equals(cls)) {
                return i;
            }
        }
        throw new IllegalStateException("the model has no class " + cls);
    }
}
