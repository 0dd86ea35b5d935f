package io.safeframe.guard.learning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.safeframe.api.v1.BacktestCategory;
import io.safeframe.api.v1.BacktestChange;
import io.safeframe.api.v1.BacktestReport;
import io.safeframe.api.v1.LabelledPrompt;
import io.safeframe.guard.encoder.GuardHeads;
import io.safeframe.guard.encoder.GuardModel;
import io.safeframe.guard.encoder.SentenceEncoder;
import io.safeframe.guard.encoder.TrainHeads;
import io.safeframe.guard.eval.GuardEvaluation;
import io.safeframe.guard.normalise.Normaliser;
import io.safeframe.guard.policy.CompiledPolicy;
import io.safeframe.guard.policy.PolicyHolder;
import io.safeframe.guard.screening.Backtest;
import io.safeframe.guard.screening.Screener;

/**
 * Active learning's last step ({@code ./safeframe guard-train --from-labels}): moderator labels join the train split,
 * the heads are retrained, and the result is a <em>candidate</em> policy version — the base policy's rules with the new
 * heads inside — plus its backtest against the base on the frozen test split. Nothing here makes it live: the candidate
 * is drafted through the policy lifecycle (two-person review, shadow, canary) like any rule change.
 */
public final class CandidatePolicy {

    /** The candidate (policy JSON with heads), compiled as the guard would load it, and its backtest against the base. */
    public record Result(ObjectNode document, CompiledPolicy candidate, BacktestReport backtest) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CandidatePolicy() {
    }

    /**
     * @param weight how many times each label counts among the train lines (labels are few and chosen where the guard
     *               was least sure, so each is worth more than one corpus line)
     */
    public static Result build(SentenceEncoder encoder, byte[] basePolicy, List<GuardEvaluation.Line> labels, int weight,
            List<GuardEvaluation.Line> train, List<GuardEvaluation.Line> dev, List<GuardEvaluation.Line> frozenTest) throws IOException {
        if (weight < 1 || weight > 100) {
            throw new IllegalArgumentException("weight must be 1..100");
        }
        CompiledPolicy base = PolicyHolder.parse(basePolicy, new Normaliser());
        List<GuardEvaluation.Line> lines = new ArrayList<>(train);
        for (int i = 0; i < weight; i++) {
            lines.addAll(labels);
        }
        ObjectNode heads = TrainHeads.train(encoder, base, lines, dev);
        ((ObjectNode) heads.path("provenance")).put("labels", labels.size()).put("labelWeight", weight)
                .put("corpusTrainLines", train.size());
        ObjectNode document = (ObjectNode) JSON.readTree(basePolicy);
        String headsSha = SentenceEncoder.sha256(JSON.writeValueAsBytes(heads));
        String baseVersion = base.version().replaceFirst("\\+heads-[0-9a-f]{8}$", "");
        document.put("version", baseVersion + "+heads-" + headsSha.substring(0, 8));
        document.set("heads", heads);
        CompiledPolicy candidate = PolicyHolder.parse(JSON.writeValueAsBytes(document), new Normaliser());
        Screener screener = Screener.withEncoder(new GuardModel(encoder, GuardHeads.builtIn()));
        List<LabelledPrompt> prompts = frozenTest.stream().map(l -> LabelledPrompt.newBuilder().setText(l.text()).setUnsafe(l.unsafe())
                .setCategory(l.unsafe() ? l.category() : "").build()).toList();
        return new Result(document, candidate, Backtest.run(screener, base, candidate, prompts));
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: CandidatePolicy LABELS.jsonl BASE_POLICY.json|'' WEIGHT CORPUS_DIR OUT_DIR");
            System.exit(2);
        }
        Path corpus = Path.of(args[3]);
        List<GuardEvaluation.Line> test = GuardEvaluation.read(corpus.resolve("test.jsonl"));
        List<GuardEvaluation.Line> labels;
        byte[] base;
        int weight;
        try {
            labels = LabelFile.read(Path.of(args[0]), test);
            weight = Integer.parseInt(args[2]);
        } catch (LabelFile.Refused | NumberFormatException e) {
            System.err.println("refused: " + e.getMessage());
            System.exit(1);
            return;
        }
        base = args[1].isEmpty() ? builtInPolicy() : Files.readAllBytes(Path.of(args[1]));
        long t0 = System.nanoTime();
        Result r;
        try (SentenceEncoder encoder = SentenceEncoder.load(SentenceEncoder.configured(), Runtime.getRuntime().availableProcessors())) {
            r = build(encoder, base, labels, weight, GuardEvaluation.read(corpus.resolve("train.jsonl")),
                    GuardEvaluation.read(corpus.resolve("dev.jsonl")), test);
        } catch (CompiledPolicy.InvalidPolicy | IllegalArgumentException e) {
            System.err.println("refused: " + e.getMessage());
            System.exit(1);
            return;
        }
        Path out = Path.of(args[4]);
        Files.createDirectories(out);
        Files.writeString(out.resolve("candidate-policy.json"), JSON.writeValueAsString(r.document()) + "\n");
        Files.writeString(out.resolve("backtest.json"), JSON.writeValueAsString(report(r.backtest())) + "\n");
        BacktestReport b = r.backtest();
        System.out.printf(Locale.ROOT, "%d labels (x%d) -> candidate %s in %.0f s%n", labels.size(), weight, b.getCandidateVersion(),
                (System.nanoTime() - t0) / 1e9);
        System.out.printf(Locale.ROOT, "frozen test split (%d unsafe, %d safe): recall %.3f -> %.3f, false positives %.3f -> %.3f, "
                + "safe blocked %d -> %d, %d decisions changed%n", b.getUnsafe(), b.getSafe(), rate(b.getLiveCaught(), b.getUnsafe()),
                rate(b.getCandidateCaught(), b.getUnsafe()), rate(b.getLiveFalsePositives(), b.getSafe()),
                rate(b.getCandidateFalsePositives(), b.getSafe()), b.getLiveSafeBlocked(), b.getCandidateSafeBlocked(), b.getChanged());
        System.out.println("wrote " + out.resolve("candidate-policy.json") + " and backtest.json; draft it through the policy "
                + "lifecycle (docs/policy-lifecycle.md), it is not live");
    }

    /** The backtest as the file a reviewer reads beside the candidate. */
    public static ObjectNode report(BacktestReport b) {
        ObjectNode n = JSON.createObjectNode();
        n.put("split", "frozen test split (never trained or tuned on)");
        n.put("liveVersion", b.getLiveVersion()).put("candidateVersion", b.getCandidateVersion());
        n.put("unsafe", b.getUnsafe()).put("safe", b.getSafe());
        n.putObject("recall").put("live", rate(b.getLiveCaught(), b.getUnsafe())).put("candidate", rate(b.getCandidateCaught(), b.getUnsafe()));
        n.putObject("falsePositiveRate").put("live", rate(b.getLiveFalsePositives(), b.getSafe()))
                .put("candidate", rate(b.getCandidateFalsePositives(), b.getSafe()));
        n.putObject("safeBlocked").put("live", b.getLiveSafeBlocked()).put("candidate", b.getCandidateSafeBlocked());
        ObjectNode cats = n.putObject("recallByCategory");
        for (BacktestCategory c : b.getCategoriesList()) {
            cats.putObject(c.getCategory()).put("unsafe", c.getUnsafe()).put("live", rate(c.getLiveCaught(), c.getUnsafe()))
                    .put("candidate", rate(c.getCandidateCaught(), c.getUnsafe()));
        }
        n.put("changed", b.getChanged());
        ArrayNode changes = n.putArray("changes");
        for (BacktestChange c : b.getChangesList()) {
            changes.addObject().put("text", c.getText()).put("unsafe", c.getUnsafe()).put("category", c.getCategory())
                    .put("live", c.getLiveDecision().name()).put("candidate", c.getCandidateDecision().name());
        }
        return n;
    }

    private static double rate(int hits, int total) {
        return total == 0 ? 0 : Math.round(hits * 10000.0 / total) / 10000.0;
    }

    private static byte[] builtInPolicy() throws IOException {
        try (var in = CandidatePolicy.class.getClassLoader().getResourceAsStream(PolicyHolder.BUILT_IN)) {
            if (in == null) {
                throw new IOException(PolicyHolder.BUILT_IN + " missing");
            }
            return in.readAllBytes();
        }
    }
}
