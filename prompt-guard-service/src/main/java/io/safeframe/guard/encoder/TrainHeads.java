package io.safeframe.guard.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.safeframe.guard.eval.GuardEvaluation;
import io.safeframe.guard.policy.CompiledPolicy;
import io.safeframe.guard.policy.PolicyHolder;
import io.safeframe.guard.screening.Screener;

/**
 * Trains the per-category heads on the train split and chooses each category's operating points on the dev split;
 * the test split is never read. Logistic regression, class-balanced, L2, Adam on mini-batches in an order drawn from a
 * fixed seed, so the same data and encoder give the same weights. {@code ./safeframe guard-train} runs it and writes
 * {@code prompt-guard-service/src/main/resources/policy/prompt-heads.json}.
 */
public final class TrainHeads {

    public static final long SEED = 20261201L;
    static final int EPOCHS = Integer.getInteger("guard.epochs", 60);
    static final int BATCH = 64;
    static final double RATE = 0.01;
    static final double L2 = Double.parseDouble(System.getProperty("guard.l2", "1e-3"));
    /** Cost of one false positive relative to one miss when choosing the REVIEW point on dev. */
    static final double REVIEW_FP_COST = Double.parseDouble(System.getProperty("guard.reviewCost", "12"));
    /** The same for the BLOCK point: a hard block of a safe prompt costs far more. */
    static final double BLOCK_FP_COST = 80;
    static final double MIN_REVIEW = 0.5;
    /** Share of the dev split's safe lines the REVIEW points may flag in total (the goal is FPR <= .03 on unseen data). */
    static final double REVIEW_FPR_BUDGET = Double.parseDouble(System.getProperty("guard.fprBudget", "0.015"));
    static final double MIN_BLOCK = 0.85;

    /** The categories the heads cover: the eleven (copyrighted characters stay with the rules). */
    public static final List<String> CATEGORIES = List.of("sexual_minors", "sexual", "violence_gore", "self_harm", "hate_harassment",
            "weapons", "violent_extremism", "illegal_drugs", "real_person_likeness", "election_misinformation", "jailbreak");

    private TrainHeads() {
    }

    record Example(String text, Screener.View view, String category, boolean unsafe, boolean jailbreakWrapped) {
    }

    /** The views one labelled line contributes to training: an encoded run alone never counts as evidence of harm. */
    static List<Example> examples(GuardEvaluation.Line l, Screener.Analysis a) {
        List<Example> out = new ArrayList<>();
        boolean wrapped = l.kind().equals("jailbreak-wrapped");
        for (int i = 0; i < a.views().size(); i++) {
            Screener.View v = a.views().get(i);
            if (v.text().equals(Screener.ENCODED_ONLY)) {
                continue;
            }
            boolean mainOfEncoded = i == 0 && a.encodedOnly();
            out.add(new Example(v.text(), v, l.category(), l.unsafe() && !mainOfEncoded, wrapped && !mainOfEncoded));
        }
        return out;
    }

    /** The head every category shares: P(unsafe at all), trained on all unsafe lines against all safe ones. */
    public static final String ANY = "any_unsafe";

    static boolean positive(Example e, String category) {
        return e.unsafe() && (category.equals(ANY) || e.category().equals(category) || (category.equals("jailbreak") && e.jailbreakWrapped()));
    }

    static boolean usable(Example e, String category) {
        return !e.unsafe() || positive(e, category);
    }

    static GuardHeads.Head train(String category, List<float[]> xs, List<Example> exs, Random random) {
        List<Integer> idx = new ArrayList<>();
        int pos = 0;
        for (int i = 0; i < exs.size(); i++) {
            if (usable(exs.get(i), category)) {
                idx.add(i);
                pos += positive(exs.get(i), category) ? 1 : 0;
            }
        }
        int neg = idx.size() - pos;
        double wPos = idx.size() / (2.0 * Math.max(pos, 1));
        double wNeg = idx.size() / (2.0 * Math.max(neg, 1));
        int dim = xs.get(0).length;
        double[] w = new double[dim];
        double b = 0;
        double[] m = new double[dim + 1];
        double[] v = new double[dim + 1];
        int step = 0;
        int framingFrom = SentenceEncoder.DIMENSIONS + (dim - SentenceEncoder.DIMENSIONS - ContextFeatures.NAMES.size());
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            java.util.Collections.shuffle(idx, random);
            for (int start = 0; start < idx.size(); start += BATCH) {
                double[] g = new double[dim + 1];
                int end = Math.min(idx.size(), start + BATCH);
                for (int k = start; k < end; k++) {
                    int i = idx.get(k);
                    float[] x = xs.get(i);
                    boolean y = positive(exs.get(i), category);
                    double z = b;
                    for (int j = 0; j < dim; j++) {
                        z += w[j] * x[j];
                    }
                    double err = (1 / (1 + Math.exp(-z)) - (y ? 1 : 0)) * (y ? wPos : wNeg);
                    for (int j = 0; j < dim; j++) {
                        g[j] += err * x[j];
                    }
                    g[dim] += err;
                }
                step++;
                double n = end - start;
                for (int j = 0; j <= dim; j++) {
                    double gj = g[j] / n + (j < dim ? L2 * w[j] : 0);
                    m[j] = 0.9 * m[j] + 0.1 * gj;
                    v[j] = 0.999 * v[j] + 0.001 * gj * gj;
                    double mh = m[j] / (1 - Math.pow(0.9, step));
                    double vh = v[j] / (1 - Math.pow(0.999, step));
                    double delta = RATE * mh / (Math.sqrt(vh) + 1e-8);
                    if (j < dim) {
                        w[j] -= delta;
                    } else {
                        b -= delta;
                    }
                }
                // framing lowers a score, never erases it: negation, protective and depicted cues are capped
                for (int j = framingFrom; j < framingFrom + 3; j++) {
                    w[j] = Math.max(w[j], -GuardHeads.FRAMING_CAP);
                }
            }
        }
        float[] fw = new float[dim];
        for (int j = 0; j < dim; j++) {
            fw[j] = (float) w[j];
        }
        return new GuardHeads.Head(category, fw, (float) b, 0.5, 0.9, false);
    }

    /** The threshold t minimising misses(t) + fpCost * falsePositives(t), at least min. */
    static double choose(double[] posScores, double[] negScores, double fpCost, double min) {
        List<Double> candidates = new ArrayList<>();
        candidates.add(min);
        for (double s : posScores) {
            if (s >= min) {
                candidates.add(s);
            }
        }
        double best = 0.999;
        double bestCost = Double.MAX_VALUE;
        for (double t : candidates) {
            double cost = 0;
            for (double s : posScores) {
                cost += s < t ? 1 : 0;
            }
            for (double s : negScores) {
                cost += s >= t ? fpCost : 0;
            }
            if (cost < bestCost || (cost == bestCost && t > best)) {
                bestCost = cost;
                best = t;
            }
        }
        return best;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: TrainHeads TRAIN.jsonl DEV.jsonl OUT.json");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        try (SentenceEncoder encoder = SentenceEncoder.load(SentenceEncoder.configured(), Runtime.getRuntime().availableProcessors())) {
            ObjectNode heads = train(encoder, PolicyHolder.builtIn(), GuardEvaluation.read(Path.of(args[0])),
                    GuardEvaluation.read(Path.of(args[1])));
            ObjectNode prov = (ObjectNode) heads.path("provenance");
            prov.put("train", Path.of(args[0]).getFileName().toString()).put("trainSha256", sha(args[0]));
            prov.put("dev", Path.of(args[1]).getFileName().toString()).put("devSha256", sha(args[1]));
            Files.writeString(Path.of(args[2]), JSON.writeValueAsString(heads) + "\n");
        }
        System.out.printf(Locale.ROOT, "wrote %s in %.1f s%n", args[2], (System.nanoTime() - t0) / 1e9);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The heads document (format safeframe-guard-heads/1) for these rules: weights from the train lines, operating
     * points from the dev lines. The caller adds where the lines came from to its provenance.
     */
    public static ObjectNode train(SentenceEncoder encoder, CompiledPolicy policy, List<GuardEvaluation.Line> train,
            List<GuardEvaluation.Line> dev) {
        long t0 = System.nanoTime();
        Screener rules = new Screener(null);
        List<String> ruleCats = policy.categoriesByCode.keySet().stream().sorted().toList();

        List<Example> exs = new ArrayList<>();
        for (GuardEvaluation.Line l : train) {
            exs.addAll(examples(l, rules.analyse(l.text(), policy)));
        }
        Map<String, float[]> cache = embed(encoder, exs.stream().map(Example::text).toList());
        List<float[]> xs = new ArrayList<>();
        for (Example e : exs) {
            xs.add(GuardHeads.features(cache.get(e.text()), ruleCats, e.view().ruleScores(), e.view().context()));
        }
        System.out.printf(Locale.ROOT, "train: %d lines, %d views embedded in %.1f s%n", train.size(), exs.size(),
                (System.nanoTime() - t0) / 1e9);

        Random random = new Random(SEED);
        List<GuardHeads.Head> heads = new ArrayList<>();
        for (String c : CATEGORIES) {
            heads.add(train(c, xs, exs, random));
        }
        heads.add(train(ANY, xs, exs, random));
        GuardHeads draft = new GuardHeads(encoder.spec().id(), encoder.spec().modelSha256(), policy.version(), ruleCats, heads, null);

        // operating points on dev: a line's score per category is the highest over its views
        List<Screener.Analysis> devA = new ArrayList<>();
        List<String> devTexts = new ArrayList<>();
        for (GuardEvaluation.Line l : dev) {
            Screener.Analysis a = rules.analyse(l.text(), policy);
            devA.add(a);
            a.views().stream().filter(v -> !v.text().equals(Screener.ENCODED_ONLY)).forEach(v -> devTexts.add(v.text()));
        }
        Map<String, float[]> devCache = embed(encoder, devTexts);
        List<Map<String, Double>> devScores = new ArrayList<>();
        for (Screener.Analysis a : devA) {
            Map<String, Double> best = new HashMap<>();
            for (Screener.View v : a.views()) {
                if (v.text().equals(Screener.ENCODED_ONLY)) {
                    continue;
                }
                draft.score(GuardHeads.features(devCache.get(v.text()), ruleCats, v.ruleScores(), v.context()))
                        .forEach((k, p) -> best.merge(k, p, Math::max));
            }
            devScores.add(best);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("format", GuardHeads.FORMAT);
        root.putObject("encoder").put("id", encoder.spec().id()).put("sha256", encoder.spec().modelSha256())
                .put("maxTokens", SentenceEncoder.MAX_TOKENS);
        root.put("policyVersion", policy.version());
        ArrayNode rc = root.putArray("ruleCategories");
        ruleCats.forEach(rc::add);
        ArrayNode features = root.putArray("features");
        features.add("embedding[0.." + (SentenceEncoder.DIMENSIONS - 1) + "]");
        ruleCats.forEach(c -> features.add("rule:" + c));
        ContextFeatures.NAMES.forEach(features::add);
        ObjectNode prov = root.putObject("provenance");
        prov.put("trainedBy", "./safeframe guard-train (io.safeframe.guard.encoder.TrainHeads)");
        prov.put("seed", SEED).put("epochs", EPOCHS).put("l2", L2).put("batch", BATCH).put("rate", RATE);
        prov.put("trainLines", train.size()).put("trainViews", exs.size()).put("devLines", dev.size());
        prov.put("decision", "P(unsafe) from the any_unsafe head, compared with the operating points of the category the category"
                + " heads rank first");
        prov.put("thresholds", "per category on dev (positives: that category's unsafe lines; negatives: safe lines attributed to it): "
                + "REVIEW starts just above the highest safe line, then a budget of " + REVIEW_FPR_BUDGET + " x dev safe lines of false "
                + "positives is spent greedily where each buys the most recall (>= " + MIN_REVIEW + "); ruleFloor when the category's rules "
                + "flagged no safe dev line and at least 3 unsafe ones; BLOCK minimises misses + " + BLOCK_FP_COST + " x false positives (>= " + MIN_BLOCK + ")");
        // rule floors: a category whose rules were (nearly) never wrong on dev keeps the rules' flag as a floor
        Map<String, int[]> ruleStats = new HashMap<>(); // [unsafe flagged, safe flagged]
        for (int i = 0; i < dev.size(); i++) {
            Screener.Analysis a = devA.get(i);
            if (!a.byRules().decision().equals("ALLOW")) {
                String ruleCat = GuardHeads.ruleCategory(a.byRules().ruleId());
                ruleStats.computeIfAbsent(ruleCat, k -> new int[2])[dev.get(i).unsafe() ? 0 : 1]++;
            }
        }
        // review points: start where no safe dev line is flagged, then spend a small budget of dev false positives
        // where each one buys the most recall
        Map<String, double[]> posBy = new HashMap<>();
        Map<String, double[]> negBy = new HashMap<>();
        for (String c : CATEGORIES) {
            List<Double> pos = new ArrayList<>();
            List<Double> neg = new ArrayList<>();
            for (int i = 0; i < dev.size(); i++) {
                GuardEvaluation.Line l = dev.get(i);
                Map<String, Double> sc = devScores.get(i);
                if (!l.unsafe() && GuardHeads.argmaxCategory(sc).equals(c)) {
                    neg.add(sc.get(ANY));
                } else if (l.unsafe() && l.category().equals(c)) {
                    pos.add(sc.get(ANY));
                }
            }
            posBy.put(c, pos.stream().mapToDouble(Double::doubleValue).sorted().toArray());
            negBy.put(c, neg.stream().mapToDouble(Double::doubleValue).sorted().toArray());
        }
        Map<String, Double> reviewAt = new HashMap<>();
        long safeDev = dev.stream().filter(l -> !l.unsafe()).count();
        int budget = (int) Math.floor(REVIEW_FPR_BUDGET * safeDev);
        for (String c : CATEGORIES) {
            double[] ns = negBy.get(c);
            double top = ns.length == 0 ? 0 : ns[ns.length - 1];
            reviewAt.put(c, Math.max(MIN_REVIEW, Math.nextUp(top)));
        }
        for (int spent = 0; spent < budget; spent++) {
            String bestC = null;
            double bestT = 0;
            double bestGain = 0;
            for (String c : CATEGORIES) {
                double[] ns = negBy.get(c);
                double[] ps = posBy.get(c);
                double t = reviewAt.get(c);
                // the next safe line below the current point: lowering the point to just above the one after it
                int above = 0;
                for (double n : ns) {
                    above += n >= t ? 1 : 0;
                }
                int idx = ns.length - 1 - above; // highest safe score still below t
                if (idx < 0) {
                    continue;
                }
                double next = Math.max(MIN_REVIEW, idx == 0 ? MIN_REVIEW : Math.nextUp(ns[idx - 1]));
                double gain = 0;
                for (double p : ps) {
                    gain += (p >= next && p < t) ? 1.0 / ps.length : 0;
                }
                if (gain > bestGain) {
                    bestGain = gain;
                    bestC = c;
                    bestT = next;
                }
            }
            if (bestC == null) {
                break;
            }
            reviewAt.put(bestC, bestT);
        }
        ArrayNode out = root.putArray("heads");
        for (GuardHeads.Head h : heads) {
            List<Double> pos = new ArrayList<>();
            List<Double> neg = new ArrayList<>();
            for (int i = 0; i < dev.size(); i++) {
                GuardEvaluation.Line l = dev.get(i);
                Map<String, Double> sc = devScores.get(i);
                double p = sc.get(ANY);
                String predicted = GuardHeads.argmaxCategory(sc);
                if (h.category().equals(ANY)) {
                    continue;
                }
                if (!l.unsafe() && predicted.equals(h.category())) {
                    neg.add(p);
                } else if (l.unsafe() && l.category().equals(h.category())) {
                    pos.add(p);
                }
            }
            double review = 0.5;
            double block = 0.9;
            ObjectNode n = out.addObject();
            n.put("category", h.category());
            if (!h.category().equals(ANY)) {
                double[] ps = pos.stream().mapToDouble(Double::doubleValue).toArray();
                double[] ns = neg.stream().mapToDouble(Double::doubleValue).toArray();
                review = reviewAt.get(h.category());
                block = Math.max(review, choose(ps, ns, BLOCK_FP_COST, MIN_BLOCK));
                int[] rs = ruleStats.getOrDefault(h.category(), new int[2]);
                boolean floor = rs[1] == 0 && rs[0] >= 3;
                n.put("ruleFloor", floor);
                System.out.printf(Locale.ROOT, "%-24s rules on dev: %d unsafe / %d safe flagged -> rule floor %s%n", h.category(),
                        rs[0], rs[1], floor);
                final double r = review;
                final double b = block;
                long rHit = pos.stream().filter(p -> p >= r).count();
                long bHit = pos.stream().filter(p -> p >= b).count();
                long rFp = neg.stream().filter(p -> p >= r).count();
                long bFp = neg.stream().filter(p -> p >= b).count();
                System.out.printf(Locale.ROOT,
                        "%-24s review %.3f (dev recall %.3f, safe flagged %d/%d)  block %.3f (recall %.3f, safe blocked %d)%n",
                        h.category(), review, (double) rHit / ps.length, rFp, ns.length, block, (double) bHit / ps.length, bFp);
                n.putObject("dev").put("positives", ps.length).put("recallAtReview", round((double) rHit / ps.length))
                        .put("recallAtBlock", round((double) bHit / ps.length)).put("safeFlagged", rFp).put("safeBlocked", bFp)
                        .put("safeAttributed", ns.length);
            }
            n.put("review", round(review));
            n.put("block", round(block));
            n.put("bias", h.bias());
            ArrayNode w = n.putArray("weights");
            for (float f : h.weights()) {
                w.add(Math.round(f * 1e6) / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "heads trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return root;
    }

    static double round(double d) {
        return Math.round(d * 10000) / 10000.0;
    }

    static String sha(String file) throws IOException {
        return SentenceEncoder.sha256(Files.readAllBytes(Path.of(file)));
    }

    /** Optional on-disk cache of embeddings (system property guard.embeddingCache), for repeated runs while developing. */
    @SuppressWarnings("unchecked")
    static Map<String, float[]> embed(SentenceEncoder encoder, List<String> texts) {
        String cachePath = System.getProperty("guard.embeddingCache");
        if (cachePath == null) {
            return embedNow(encoder, texts);
        }
        Path file = Path.of(cachePath);
        Map<String, float[]> cache = new HashMap<>();
        if (Files.exists(file)) {
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
                cache = (Map<String, float[]>) in.readObject();
            } catch (IOException | ClassNotFoundException e) {
                cache = new HashMap<>();
            }
        }
        final Map<String, float[]> known = cache;
        List<String> missing = texts.stream().filter(t -> !known.containsKey(t)).distinct().toList();
        if (!missing.isEmpty()) {
            known.putAll(embedNow(encoder, missing));
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
                out.writeObject(new HashMap<>(known));
            } catch (IOException e) {
                System.err.println("embedding cache not written: " + e.getMessage());
            }
        }
        return known;
    }

    static Map<String, float[]> embedNow(SentenceEncoder encoder, List<String> texts) {
        List<String> unique = new ArrayList<>(new LinkedHashMap<String, Boolean>() {
            {
                texts.forEach(t -> put(t, true));
            }
        }.keySet());
        float[][] e = encoder.embedAll(unique);
        Map<String, float[]> out = new HashMap<>();
        for (int i = 0; i < unique.size(); i++) {
            out.put(unique.get(i), e[i]);
        }
        return out;
    }
}
