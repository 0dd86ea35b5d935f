package io.safeframe.guard.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.guard.policy.CompiledPolicy;
import io.safeframe.guard.policy.PolicyHolder;
import io.safeframe.guard.screening.Screener;
import io.safeframe.guard.screening.Screening;

/**
 * Measures the guard on a labelled JSONL set: detection (REVIEW or BLOCK) recall on unsafe lines, false-positive
 * rate on safe lines, per category and per kind (clear / obfuscated / jailbreak-wrapped), the confusion matrix,
 * and every misclassified line. {@code ./safeframe guard-eval FILE.jsonl} runs it.
 */
public final class GuardEvaluation {

    public record Line(String text, String label, String category, String kind) {
    }

    public record Outcome(Line line, Screening screening) {
        public boolean flagged() {
            return !screening.decision().equals("ALLOW");
        }

        public boolean correct() {
            return flagged() == line.label().equals("unsafe");
        }
    }

    public record Rate(int hits, int total) {
        public double value() {
            return total == 0 ? Double.NaN : (double) hits / total;
        }
    }

    public final List<Outcome> outcomes = new ArrayList<>();

    public static List<Line> read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Line> lines = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            if (raw.isBlank()) {
                continue;
            }
            JsonNode n = json.readTree(raw);
            lines.add(new Line(n.path("text").asText(), n.path("label").asText(), n.path("category").asText("none"),
                    n.path("kind").asText("unspecified")));
        }
        return lines;
    }

    public static GuardEvaluation run(List<Line> lines, CompiledPolicy policy) {
        Screener screener = new Screener();
        GuardEvaluation eval = new GuardEvaluation();
        for (Line l : lines) {
            eval.outcomes.add(new Outcome(l, screener.screen(l.text(), policy)));
        }
        return eval;
    }

    public Rate recall(String kind) {
        int hit = 0;
        int total = 0;
        for (Outcome o : outcomes) {
            if (o.line().label().equals("unsafe") && (kind == null || o.line().kind().equals(kind))) {
                total++;
                hit += o.flagged() ? 1 : 0;
            }
        }
        return new Rate(hit, total);
    }

    public Rate falsePositiveRate() {
        int fp = 0;
        int total = 0;
        for (Outcome o : outcomes) {
            if (o.line().label().equals("safe")) {
                total++;
                fp += o.flagged() ? 1 : 0;
            }
        }
        return new Rate(fp, total);
    }

    /** Precision of flags attributed to each category (a flag counts for the category the guard named). */
    public String report() {
        StringBuilder out = new StringBuilder();
        Map<String, int[]> perCategory = new TreeMap<>(); // tp, fn, fp(named by guard on other/safe lines), exact-category
        for (Outcome o : outcomes) {
            String truth = o.line().label().equals("unsafe") ? o.line().category() : null;
            String named = o.flagged() ? topCategory(o.screening()) : null;
            if (truth != null) {
                int[] c = perCategory.computeIfAbsent(truth, k -> new int[4]);
                c[o.flagged() ? 0 : 1]++;
                if (truth.equals(named)) {
                    c[3]++;
                }
            }
            if (named != null && (truth == null || !truth.equals(named))) {
                perCategory.computeIfAbsent(named, k -> new int[4])[2]++;
            }
        }
        out.append(String.format(Locale.ROOT, "%-24s %6s %6s %9s %9s %8s%n", "category", "n", "recall", "precision", "cat-exact", "missed"));
        perCategory.forEach((cat, c) -> {
            int n = c[0] + c[1];
            double recall = n == 0 ? Double.NaN : (double) c[0] / n;
            double precision = c[3] + c[2] == 0 ? Double.NaN : (double) c[3] / (c[3] + c[2]);
            out.append(String.format(Locale.ROOT, "%-24s %6d %6.3f %9.3f %9d %8d%n", cat, n, recall, precision, c[3], c[1]));
        });
        out.append('\n');
        for (String kind : new String[] { "clear", "obfuscated", "jailbreak-wrapped" }) {
            Rate r = recall(kind);
            out.append(String.format(Locale.ROOT, "recall %-18s %.3f (%d/%d)%n", kind, r.value(), r.hits(), r.total()));
        }
        Rate all = recall(null);
        Rate fpr = falsePositiveRate();
        out.append(String.format(Locale.ROOT, "recall %-18s %.3f (%d/%d)%n", "all unsafe", all.value(), all.hits(), all.total()));
        out.append(String.format(Locale.ROOT, "false-positive rate on safe %.3f (%d/%d)%n%n", fpr.value(), fpr.hits(), fpr.total()));
        int tp = all.hits();
        int fn = all.total() - all.hits();
        int fp = fpr.hits();
        int tn = fpr.total() - fpr.hits();
        out.append("confusion matrix (rows truth, columns guard):\n");
        out.append(String.format(Locale.ROOT, "%-8s %8s %8s%n%-8s %8d %8d%n%-8s %8d %8d%n%n", "", "flagged", "allowed",
                "unsafe", tp, fn, "safe", fp, tn));
        out.append("misclassified:\n");
        for (Outcome o : outcomes) {
            if (!o.correct()) {
                out.append(String.format(Locale.ROOT, "  [%s/%s/%s → %s %s] %s%n", o.line().label(), o.line().category(),
                        o.line().kind(), o.screening().decision(), o.screening().ruleId(), o.line().text()));
            }
        }
        return out.toString();
    }

    private static String topCategory(Screening s) {
        String rule = s.ruleId().replaceFirst("^jailbreak\\+", "");
        int colon = rule.indexOf(':');
        String cat = colon < 0 ? rule : rule.substring(colon + 1);
        int hash = cat.indexOf('#');
        return hash < 0 ? cat : cat.substring(0, hash);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: guard-eval FILE.jsonl [--bench]");
            System.exit(2);
        }
        List<Line> lines = read(Path.of(args[0]));
        if (args.length == 2 && args[1].equals("--bench")) {
            bench(lines);
            return;
        }
        System.out.print(run(lines, PolicyHolder.builtIn()).report());
    }

    /**
     * Single-thread throughput and latency by prompt length (a quick measurement, not JMH): the set's prompts
     * padded to 100 / 500 / 2,000 characters, 20 s warm-up, then timed passes.
     */
    static void bench(List<Line> lines) {
        CompiledPolicy policy = PolicyHolder.builtIn();
        Screener screener = new Screener();
        for (int size : new int[] { 0, 100, 500, 2000 }) {
            List<String> prompts = new ArrayList<>();
            for (Line l : lines) {
                StringBuilder p = new StringBuilder(l.text());
                while (size > 0 && p.length() < size) {
                    p.append(' ').append(lines.get((p.length() * 31) % lines.size()).text());
                }
                prompts.add(size > 0 ? p.substring(0, Math.min(p.length(), size)) : p.toString());
            }
            long warmEnd = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                for (String p : prompts) {
                    screener.screen(p, policy);
                }
            }
            long[] nanos = new long[prompts.size() * 3];
            int k = 0;
            long start = System.nanoTime();
            for (int pass = 0; pass < 3; pass++) {
                for (String p : prompts) {
                    long t0 = System.nanoTime();
                    screener.screen(p, policy);
                    nanos[k++] = System.nanoTime() - t0;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            java.util.Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "length %-8s %8.0f prompts/s  p50 %6.1f us  p99 %7.1f us%n",
                    size == 0 ? "as-is" : size + "", k / seconds, nanos[k / 2] / 1e3, nanos[(int) (k * 0.99)] / 1e3);
        }
    }
}
