package io.safeframe.guard.scorer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import io.safeframe.guard.eval.GuardEvaluation;
import io.safeframe.guard.normalise.Normaliser;

/**
 * Trains the prompt scorer: logistic regression with AdaGrad and L2, fixed seed and epoch order, so the same
 * data gives the same bytes. {@code ./safeframe guard-train TRAIN.jsonl} writes
 * prompt-guard-service/src/main/resources/model/prompt-scorer.bin.gz.
 */
public final class TrainScorer {

    private static final int EPOCHS = 12;
    private static final double RATE = 0.5;
    private static final double L2 = 1e-6;

    private TrainScorer() {
    }

    public static PromptScorer train(List<GuardEvaluation.Line> lines) {
        Normaliser normaliser = new Normaliser();
        List<NgramFeatures.Vector> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (GuardEvaluation.Line l : lines) {
            xs.add(NgramFeatures.of(normaliser.normalise(l.text()).text().text()));
            ys.add(l.label().equals("unsafe") ? 1 : 0);
        }
        float[] w = new float[NgramFeatures.DIMENSIONS];
        double[] g2 = new double[NgramFeatures.DIMENSIONS];
        double bias = 0;
        double biasG2 = 0;
        Random random = new Random(20261125);
        int[] order = new int[xs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int k : order) {
                NgramFeatures.Vector x = xs.get(k);
                double z = bias;
                for (int i : x.indices()) {
                    z += w[i] * x.value();
                }
                double error = PromptScorer.sigmoid(z) - ys.get(k);
                for (int i : x.indices()) {
                    double grad = error * x.value() + L2 * w[i];
                    g2[i] += grad * grad;
                    w[i] -= (float) (RATE * grad / Math.sqrt(g2[i] + 1e-8));
                }
                biasG2 += error * error;
                bias -= RATE * error / Math.sqrt(biasG2 + 1e-8);
            }
        }
        return new PromptScorer(w, (float) bias);
    }

    /** k-fold estimate of the model alone (no rules) at several thresholds, for choosing the review threshold. */
    static void crossValidate(List<GuardEvaluation.Line> lines, int folds) {
        Normaliser normaliser = new Normaliser();
        double[] thresholds = { 0.5, 0.6, 0.7, 0.8, 0.9 };
        int[] tp = new int[thresholds.length];
        int[] fp = new int[thresholds.length];
        int positives = 0;
        int negatives = 0;
        for (int f = 0; f < folds; f++) {
            List<GuardEvaluation.Line> train = new ArrayList<>();
            List<GuardEvaluation.Line> test = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                (i % folds == f ? test : train).add(lines.get(i));
            }
            PromptScorer model = train(train);
            for (GuardEvaluation.Line l : test) {
                double p = model.score(normaliser.normalise(l.text()).text().text());
                boolean unsafe = l.label().equals("unsafe");
                if (unsafe) {
                    positives++;
                } else {
                    negatives++;
                }
                for (int t = 0; t < thresholds.length; t++) {
                    if (p >= thresholds[t]) {
                        if (unsafe) {
                            tp[t]++;
                        } else {
                            fp[t]++;
                        }
                    }
                }
            }
        }
        for (int t = 0; t < thresholds.length; t++) {
            System.out.printf(Locale.ROOT, "%d-fold CV, model alone, threshold %.1f: recall %.3f  FPR %.3f%n", folds,
                    thresholds[t], (double) tp[t] / positives, (double) fp[t] / negatives);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: guard-train TRAIN.jsonl OUT.bin.gz");
            System.exit(2);
        }
        List<GuardEvaluation.Line> lines = GuardEvaluation.read(Path.of(args[0]));
        crossValidate(lines, 5);
        PromptScorer model = train(lines);
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            model.write(out);
        }
        System.out.printf(Locale.ROOT, "trained %s on %d prompts -> %s%n", PromptScorer.MODEL_ID, lines.size(), args[1]);
    }
}
