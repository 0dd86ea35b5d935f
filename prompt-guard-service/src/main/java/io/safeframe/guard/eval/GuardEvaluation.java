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

    public record Line(String text, String label, String category, String kind, String variant, String domain) {
        public Line(String text, String label, String category, String kind) {
            this(text, label, category, kind, "clear", "unspecified");
        }

        public boolean unsafe() {
            return label.equals("unsafe");
        }
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
                    n.path("kind").asText("unspecified"), n.path("variant").asText("clear"), n.path("domain").asText("unspecified")));
        }
        return lines;
    }

    public static GuardEvaluation run(List<Line> lines, CompiledPolicy policy) {
        return run(lines, policy, new Screener());
    }

    public static GuardEvaluation run(List<Line> lines, CompiledPolicy policy, Screener screener) {
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

    /** Recall on unsafe lines and FPR on safe lines of one obfuscation variant ("clear", "leet", "base64", …). */
    public Rate[] byVariant(String variant) {
        int tp = 0, pos = 0, fp = 0, neg = 0;
        for (Outcome o : outcomes) {
            if (!o.line().variant().equals(variant)) {
                continue;
            }
            if (o.line().unsafe()) {
                pos++;
                tp += o.flagged() ? 1 : 0;
            } else {
                neg++;
                fp += o.flagged() ? 1 : 0;
            }
        }
        return new Rate[] { new Rate(tp, pos), new Rate(fp, neg) };
    }

    public Rate recallOf(String category) {
        int hit = 0, total = 0;
        for (Outcome o : outcomes) {
            if (o.line().unsafe() && o.line().category().equals(category)) {
                total++;
                hit += o.flagged() ? 1 : 0;
            }
        }
        return new Rate(hit, total);
    }

    /** Safe lines hard-BLOCKED. */
    public Rate hardBlockRate() {
        int fp = 0, total = 0;
        for (Outcome o : outcomes) {
            if (!o.line().unsafe()) {
                total++;
                fp += o.screening().decision().equals("BLOCK") ? 1 : 0;
            }
        }
        return new Rate(fp, total);
    }

    /** FPR among safe lines of one domain (medical, cooking, homonyms, …). */
    public Rate falsePositiveRateIn(String domain) {
        int fp = 0, total = 0;
        for (Outcome o : outcomes) {
            if (!o.line().unsafe() && o.line().domain().equals(domain)) {
                total++;
                fp += o.flagged() ? 1 : 0;
            }
        }
        return new Rate(fp, total);
    }

    /** The compact v2 summary: overall, per category, per variant, per hard-negative domain. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        Rate all = recall(null);
        out.append(String.format(Locale.ROOT, "recall %.3f (%d/%d)   FPR %.3f (%d/%d)   hard-block FPR %.4f (%d/%d)%n", all.value(),
                all.hits(), all.total(), falsePositiveRate().value(), falsePositiveRate().hits(), falsePositiveRate().total(),
                hardBlockRate().value(), hardBlockRate().hits(), hardBlockRate().total()));
        java.util.TreeSet<String> cats = new java.util.TreeSet<>();
        java.util.TreeSet<String> variants = new java.util.TreeSet<>();
        java.util.TreeSet<String> domains = new java.util.TreeSet<>();
        for (Outcome o : outcomes) {
            variants.add(o.line().variant());
            if (o.line().unsafe()) {
                cats.add(o.line().category());
            } else {
                domains.add(o.line().domain());
            }
        }
        for (String c : cats) {
            Rate r = recallOf(c);
            out.append(String.format(Locale.ROOT, "  recall %-24s %.3f (%d/%d)%n", c, r.value(), r.hits(), r.total()));
        }
        java.util.TreeSet<String> kinds = new java.util.TreeSet<>();
        outcomes.stream().filter(o -> o.line().unsafe()).forEach(o -> kinds.add(o.line().kind()));
        for (String k : kinds) {
            Rate r = recall(k);
            out.append(String.format(Locale.ROOT, "  recall of kind %-16s %.3f (%d/%d)%n", k, r.value(), r.hits(), r.total()));
        }
        for (String v : variants) {
            Rate[] r = byVariant(v);
            out.append(String.format(Locale.ROOT, "  variant %-11s recall %.3f (%d/%d)  FPR %.3f (%d/%d)%n", v, r[0].value(),
                    r[0].hits(), r[0].total(), r[1].value(), r[1].hits(), r[1].total()));
        }
        for (String d : domains) {
            Rate r = falsePositiveRateIn(d);
            out.append(String.format(Locale.ROOT, "  FPR in %-18s %.3f (%d/%d)%n", d, r.value(), r.hits(), r.total()));
        }
        return out.toString();
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
            System.err.println("usage: guard-eval FILE.jsonl [--bench|--encoder|--compare]");
            System.exit(2);
        }
        List<Line> lines = read(Path.of(args[0]));
        if (args.length == 2 && args[1].equals("--bench")) {
            bench(lines);
            return;
        }
        if (args.length == 2 && (args[1].equals("--encoder") || args[1].equals("--compare"))) {
            CompiledPolicy policy = PolicyHolder.builtIn();
            if (args[1].equals("--compare")) {
                System.out.println("== without the encoder (rules + n-gram scorer)");
                System.out.print(run(lines, policy).summary());
            }
            System.out.println("== with the encoder (" + io.safeframe.guard.encoder.GuardModel.shared().encoder().spec().id() + ")");
            GuardEvaluation e = run(lines, policy, Screener.withEncoder(io.safeframe.guard.encoder.GuardModel.shared()));
            System.out.print(e.summary());
            if (System.getProperty("guard.eval.misses") != null) {
                for (Outcome o : e.outcomes) {
                    if (!o.correct()) {
                        System.out.printf(Locale.ROOT, "  [%s/%s/%s → %s %s] %s%n", o.line().label(), o.line().category(),
                                o.line().variant(), o.screening().decision(), o.screening().ruleId(), o.line().text());
                    }
                }
            }
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
