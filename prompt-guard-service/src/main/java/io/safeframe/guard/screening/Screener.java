package io.safeframe.guard.screening;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import io.safeframe.guard.encoder.ContextFeatures;
import io.safeframe.guard.encoder.GuardModel;
import io.safeframe.guard.normalise.EmbeddedPayloads;
import io.safeframe.guard.normalise.Normaliser;
import io.safeframe.guard.normalise.Transliteration;
import io.safeframe.guard.normalise.TracedText;
import io.safeframe.guard.policy.CompiledPolicy;
import io.safeframe.guard.policy.PromptPolicy.Category;
import io.safeframe.guard.scorer.PromptScorer;

/**
 * Screens a prompt against a compiled policy: normalise, match terms/combos/patterns in the normalised text
 * and in every payload decoded from it, drop hits inside benign phrases, combine into one verdict.
 * Plain Java and thread-safe; the gRPC and HTTP edges call it.
 */
public final class Screener {

    public static final int MAX_CHARS = 20_000;

    private static final double TERM_SCORE = 1.0;
    private static final double COMBO_SCORE = 0.9;
    private static final double PATTERN_SCORE = 0.6;
    private static final String JAILBREAK = "jailbreak";

    /** Scores at or above this send a prompt no rule caught to review (chosen by cross-validation, see TrainScorer). */
    public static final double MODEL_REVIEW_THRESHOLD = 0.9;
    private static final String MODEL_CATEGORY = "model_unsafe";
    private static final PromptScorer BUILT_IN_SCORER = PromptScorer.builtIn();

    private final Normaliser normaliser = new Normaliser();
    private final PromptScorer scorer;
    private final GuardModel model;
    private final EncoderDecision decider;

    /** Rules and the n-gram scorer, no encoder (the "without encoder" configuration). */
    public Screener() {
        this(BUILT_IN_SCORER);
    }

    /** @param scorer the learned scorer, or null for rules only */
    public Screener(PromptScorer scorer) {
        this.scorer = scorer;
        this.model = null;
        this.decider = null;
    }

    private Screener(GuardModel model) {
        this.scorer = null;
        this.model = model;
        this.decider = new EncoderDecision(this, model);
    }

    /** Rules + sentence encoder + context, decided by the model's calibrated per-category heads. */
    public static Screener withEncoder(GuardModel model) {
        return new Screener(model);
    }

    /** P(unsafe) from the encoder heads (package-private: tests and tools; 1 without an encoder). */
    double unsafeProbability(String original, CompiledPolicy policy) {
        return decider == null ? 1.0 : decider.unsafeProbability(analyse(original, policy), policy);
    }

    public GuardModel model() {
        return model;
    }

    public static final class InputRejected extends RuntimeException {
        public InputRejected(String message) {
            super(message);
        }
    }

    public Normaliser normaliser() {
        return normaliser;
    }

    /** One text the guard reads: the normalised prompt, or a payload decoded from it, with the rules' scores in it. */
    public record View(String label, String text, Map<String, Double> ruleScores, ContextFeatures context) {
    }

    /** Everything the rules see in a prompt, before any model runs. */
    public record Analysis(Screening byRules, List<View> views, boolean encodedOnly, String undecodableBlob) {
    }

    public Analysis analyse(String original, CompiledPolicy policy) {
        if (original == null || original.isBlank()) {
            throw new InputRejected("text must not be empty");
        }
        if (original.length() > MAX_CHARS) {
            throw new InputRejected("text has " + original.length() + " characters; the limit is " + MAX_CHARS);
        }
        Normaliser.Result main = normaliser.normalise(original);
        List<Screening.Hit> mainHits = match(main.text(), original, policy, "normalised", null, true);
        List<Screening.Hit> hits = new ArrayList<>(mainHits);
        List<Normaliser.Step> steps = new ArrayList<>(main.steps());
        List<View> payloadViews = new ArrayList<>();
        int encodedChars = 0;
        for (EmbeddedPayloads.Payload p : EmbeddedPayloads.findEncoded(original)) {
            Normaliser.Result decoded = normaliser.normalise(p.decoded());
            List<Screening.Hit> found = match(decoded.text(), p.decoded(), policy, p.encoding(), new int[] { p.start(), p.end() },
                    true);
            addDecoded(hits, steps, p.encoding(), p.decoded(), found);
            String text = decoded.text().text();
            payloadViews.add(new View(p.encoding(), text, maxByCategory(found, List.of()), ContextFeatures.of(text)));
            encodedChars += p.end() - p.start();
        }
        // ROT13 of ordinary English is gibberish to the lexicons, so the whole prompt is also read rotated. Rotating
        // the normalised text (letters map to letters, so every step commutes) saves normalising a second time.
        TracedText rotated = main.text().rot13();
        String label = EmbeddedPayloads.rot13Label(original);
        // a framing pattern ("hypothetically") means nothing in a rotation nobody asked for
        List<Screening.Hit> rotHits = match(rotated, original, policy, label, new int[] { 0, original.length() },
                label.equals("rot13-hinted"));
        addDecoded(hits, steps, label, rotated.text(), rotHits);
        // a prompt written in another alphabet is also read by sound ("бомб" → "bomb"), as a view of its own
        String latin = Transliteration.latinReading(original);
        View transliterated = null;
        if (latin != null) {
            Normaliser.Result tr = normaliser.normalise(latin);
            List<Screening.Hit> found = match(tr.text(), latin, policy, "transliterated", new int[] { 0, original.length() }, true);
            addDecoded(hits, steps, "transliterated", latin, found);
            String text = tr.text().text();
            transliterated = new View("transliterated", text, maxByCategory(found, List.of()), ContextFeatures.of(text));
        }
        Screening byRules = verdict(hits, steps, main.text().text(), policy);
        List<Screening.Hit> mainViewHits = new ArrayList<>(mainHits);
        mainViewHits.addAll(rotHits);
        List<int[]> depicted = ContextFeatures.depictedSpans(original);
        List<View> views = new ArrayList<>();
        String mainText = main.text().text();
        if (!payloadViews.isEmpty()) {
            // what the encoder reads of the prompt itself is its words, not the encoded runs (their decoded text is a
            // view of its own): an encoding is no evidence either way
            String words = ENCODED_RUN.matcher(mainText).replaceAll(" ").replaceAll("\\s+", " ").strip();
            mainText = words.split(" ").length < 4 ? ENCODED_ONLY : words;
        }
        views.add(new View("normalised", mainText, maxByCategory(mainViewHits, depicted), ContextFeatures.of(mainText)));
        views.addAll(payloadViews);
        if (transliterated != null) {
            views.add(transliterated);
        }
        boolean encodedOnly = !payloadViews.isEmpty() && encodedChars >= 0.5 * original.strip().length();
        return new Analysis(byRules, views, encodedOnly, payloadViews.isEmpty() ? undecodableBlob(original) : null);
    }

    /** Per category, the strongest rule hit, leaving out hits inside text depicted on screen ("a sign that reads '…'"). */
    private static Map<String, Double> maxByCategory(List<Screening.Hit> hits, List<int[]> depicted) {
        Map<String, Double> out = new HashMap<>();
        for (Screening.Hit h : hits) {
            if (!h.view().equals("normalised") || !insideAny(depicted, h.start(), h.end())) {
                out.merge(h.category(), h.score(), Math::max);
            }
        }
        return out;
    }

    private static final java.util.regex.Pattern BLOB = java.util.regex.Pattern.compile("[A-Za-z0-9+/=_-]{24,}");
    /** The main view's text when the prompt is an encoded run with at most a few words around it: not embedded. */
    public static final String ENCODED_ONLY = "(encoded text)";
    private static final java.util.regex.Pattern ENCODED_RUN = java.util.regex.Pattern.compile("[A-Za-z0-9+/=_%-]{16,}");

    /** A long high-entropy run that decodes to nothing readable (encrypted, compressed or random): returned, else null. */
    static String undecodableBlob(String original) {
        Matcher m = BLOB.matcher(original);
        while (m.find()) {
            String run = m.group();
            int[] counts = new int[128];
            for (char c : run.toCharArray()) {
                counts[c]++;
            }
            double h = 0;
            for (int c : counts) {
                if (c > 0) {
                    double q = (double) c / run.length();
                    h -= q * Math.log(q) / Math.log(2);
                }
            }
            if (h >= 4.2) {
                return run;
            }
        }
        return null;
    }

    public Screening screen(String original, CompiledPolicy policy) {
        Screening s = screenUnderProfile(original, policy);
        return policy.isProfile() ? raiseUnderProfile(s, policy) : s;
    }

    private Screening screenUnderProfile(String original, CompiledPolicy policy) {
        Analysis a = analyse(original, policy);
        if (model != null && model.heads() != null) {
            Screening s = decider.decide(a, policy);
            if (EncoderDecision.probablyNotEnglish(a.views().get(0).text()) && BUILT_IN_SCORER != null) {
                Screening v1 = v1(a, BUILT_IN_SCORER, policy.thresholdScale);
                if (rank(v1.decision()) > rank(s.decision())) {
                    return new Screening(v1.decision(), v1.categoryScores(), v1.hits(), v1.steps(), v1.normalisedText(),
                            "non-english:" + v1.ruleId(), v1.reason() + " (The sentence encoder reads English only; for this"
                                    + " prompt the rules and the n-gram scorer decide.)", v1.policyVersion(), v1.publicReason());
                }
            }
            return s;
        }
        return scorer == null ? a.byRules() : v1(a, scorer, policy.thresholdScale);
    }

    /**
     * Under a profile (teen), a hold whose decisive category the profile raised from REVIEW to BLOCK is a block: the
     * rules already decide those categories as BLOCK, this covers the encoder's holds in them. The reason says which
     * profile applied, so a moderator or an appeal can tell.
     */
    private static Screening raiseUnderProfile(Screening s, CompiledPolicy policy) {
        String top = s.categoryScores().isEmpty() ? "" : s.categoryScores().keySet().iterator().next();
        boolean raise = s.decision().equals("REVIEW") && policy.raisedToBlock.contains(top);
        String decision = raise ? "BLOCK" : s.decision();
        String note = " (" + policy.profile + " profile" + (raise ? ": " + top + " is blocked, not held, for this account" : "") + ")";
        String publicReason = raise ? s.publicReason().replaceFirst("^Held for review", "Blocked") : s.publicReason();
        return new Screening(decision, s.categoryScores(), s.hits(), s.steps(), s.normalisedText(),
                raise ? policy.profile + "-raised:" + s.ruleId() : s.ruleId(),
                (raise ? s.reason().replaceFirst("^Held for review", "Blocked") : s.reason()) + note, s.policyVersion(),
                publicReason, s.reviewMargin());
    }

    /** The v1 verdict: the rules, and the n-gram scorer's second opinion on what they let through. */
    private static Screening v1(Analysis a, PromptScorer scorer, double thresholdScale) {
        // the n-gram scorer reads what the payloads say, not their encoding: it was trained on clear text, and an
        // encoded run is no evidence either way (it once learned "base64 means unsafe")
        double p = 0;
        for (View v : a.views()) {
            if (v.label().equals("normalised")) {
                String stripped = BLOB.matcher(v.text()).replaceAll(" ").strip();
                if (!stripped.isEmpty() && !a.encodedOnly() && !v.text().equals(ENCODED_ONLY)) {
                    p = Math.max(p, scorer.score(stripped));
                }
            } else {
                p = Math.max(p, scorer.score(v.text()));
            }
        }
        return withModel(a.byRules(), p, MODEL_REVIEW_THRESHOLD * thresholdScale);
    }

    /**
     * The rules decide what they recognise; the learned scorer adds a second opinion on what they do not:
     * a prompt no rule caught but the model rates as likely unsafe goes to a human instead of the generator.
     */
    private static Screening withModel(Screening s, double p, double reviewAt) {
        Map<String, Double> scores = new LinkedHashMap<>(s.categoryScores());
        scores.put(MODEL_CATEGORY, Math.round(p * 1000) / 1000.0);
        if (!s.decision().equals("ALLOW") || p < reviewAt) {
            return new Screening(s.decision(), scores, s.hits(), s.steps(), s.normalisedText(), s.ruleId(), s.reason(),
                    s.policyVersion(), s.publicReason());
        }
        return new Screening("REVIEW", scores, s.hits(), s.steps(), s.normalisedText(), "model:" + PromptScorer.MODEL_ID,
                String.format(java.util.Locale.ROOT,
                        "Held for review: no rule matched, but the learned scorer rates it likely unsafe (p = %.2f).", p),
                s.policyVersion(), "Held for review: a safety model flagged this prompt; a moderator will look at it.");
    }

    private static void addDecoded(List<Screening.Hit> hits, List<Normaliser.Step> steps, String encoding, String decoded,
            List<Screening.Hit> found) {
        if (!found.isEmpty()) {
            hits.addAll(found);
            steps.add(new Normaliser.Step(encoding + "-decoded", 1, clip(decoded)));
        }
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    private List<Screening.Hit> match(TracedText text, String original, CompiledPolicy policy, String view, int[] fixedSpan,
            boolean withPatterns) {
        String s = text.text();
        List<AhoCorasick.Hit<CompiledPolicy.Term>> raw = policy.automaton.find(s);
        List<int[]> benign = new ArrayList<>();
        for (AhoCorasick.Hit<CompiledPolicy.Term> h : raw) {
            if (h.value().benign() && wordBounded(s, h.start(), h.end(), false)) {
                benign.add(new int[] { h.start(), h.end() });
            }
        }
        List<Screening.Hit> out = new ArrayList<>();
        // combo bookkeeping: category code + combo index -> group index -> first hit
        Map<String, Map<Integer, AhoCorasick.Hit<CompiledPolicy.Term>>> combos = new LinkedHashMap<>();
        Map<String, Integer> comboSizes = new HashMap<>();
        for (AhoCorasick.Hit<CompiledPolicy.Term> h : raw) {
            CompiledPolicy.Term t = h.value();
            if (t.benign() || !wordBounded(s, h.start(), h.end(), t.prefix()) || insideAny(benign, h.start(), h.end())) {
                continue;
            }
            if (t.group() < 0) {
                out.add(hit(text, original, "term:" + t.category().code(), t.category(), t.term(), h.start(), h.end(), view,
                        TERM_SCORE, fixedSpan));
            } else {
                String key = t.category().code() + "#" + t.combo();
                combos.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(t.group(), h);
                comboSizes.put(key, t.category().combos().get(t.combo()).size());
            }
        }
        combos.forEach((key, groups) -> {
            if (groups.size() == comboSizes.get(key)) {
                StringBuilder matched = new StringBuilder();
                Category category = null;
                for (int g = 0; g < groups.size(); g++) {
                    AhoCorasick.Hit<CompiledPolicy.Term> h = groups.get(g);
                    category = h.value().category();
                    matched.append(g == 0 ? "" : " + ").append(h.value().term());
                }
                for (AhoCorasick.Hit<CompiledPolicy.Term> h : groups.values()) {
                    out.add(hit(text, original, "combo:" + key, category, matched.toString(), h.start(), h.end(), view,
                            COMBO_SCORE, fixedSpan));
                }
            }
        });
        for (CompiledPolicy.CompiledPattern p : withPatterns ? policy.patterns : List.<CompiledPolicy.CompiledPattern>of()) {
            Matcher m = p.pattern().matcher(s);
            if (m.find()) {
                out.add(hit(text, original, "pattern:" + p.category().code(), p.category(), m.group(), m.start(), m.end(),
                        view, PATTERN_SCORE, fixedSpan));
            }
        }
        return out;
    }

    private static Screening.Hit hit(TracedText text, String original, String rule, Category c, String matched, int start,
            int end, String view, double score, int[] fixedSpan) {
        int[] span = fixedSpan != null ? fixedSpan : text.originalSpan(start, end, original);
        return new Screening.Hit(rule, c.code(), matched, span[0], span[1], view, score);
    }

    private static boolean wordBounded(String s, int start, int end, boolean prefix) {
        boolean left = start == 0 || !Character.isLetterOrDigit(s.charAt(start - 1));
        boolean right = prefix || end == s.length() || !Character.isLetterOrDigit(s.charAt(end));
        return left && right;
    }

    private static boolean insideAny(List<int[]> spans, int start, int end) {
        for (int[] b : spans) {
            if (b[0] <= start && end <= b[1]) {
                return true;
            }
        }
        return false;
    }

    private static Screening verdict(List<Screening.Hit> hits, List<Normaliser.Step> steps, String normalised,
            CompiledPolicy policy) {
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, Category> byCode = policy.categoriesByCode;
        for (Screening.Hit h : hits) {
            scores.merge(h.category(), h.score(), Math::max);
        }
        long jailbreakSignals = hits.stream().filter(h -> h.category().equals(JAILBREAK)).map(Screening.Hit::ruleId)
                .distinct().count() + hits.stream().filter(h -> h.category().equals(JAILBREAK) && h.ruleId().startsWith("term"))
                        .map(Screening.Hit::matched).distinct().count();
        String decision = "ALLOW";
        Category decisive = null;
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            Category c = byCode.get(e.getKey());
            String d = c.decision();
            if (c.code().equals(JAILBREAK) && e.getValue() < TERM_SCORE && jailbreakSignals < 2) {
                // a lone framing pattern ("hypothetically") is weak evidence: review, never block on its own
                d = "REVIEW";
            }
            if (rank(d) > rank(decision) || (rank(d) == rank(decision) && decisive != null && c.severity() > decisive.severity())) {
                decision = d;
                decisive = c;
            }
        }
        String ruleId = "none";
        String reason = "No policy rule matched.";
        String publicReason = reason;
        if (decisive != null) {
            Category top = decisive;
            Screening.Hit first = hits.stream().filter(h -> h.category().equals(top.code())).findFirst().orElseThrow();
            ruleId = first.ruleId();
            reason = word(decision) + ": " + top.name() + " (matched \"" + first.matched() + "\""
                    + (first.view().equals("normalised") ? "" : " in " + first.view() + "-decoded text") + ").";
            publicReason = word(decision) + ": the prompt falls under our rules on " + top.name() + ".";
        }
        boolean jailbreak = scores.containsKey(JAILBREAK);
        boolean otherUnsafe = scores.keySet().stream().anyMatch(k -> !k.equals(JAILBREAK));
        if (jailbreak && otherUnsafe) {
            // an attempt to talk the model out of its rules around unsafe content is itself a block
            decision = "BLOCK";
            ruleId = "jailbreak+" + ruleId;
            reason = reason.replaceFirst("^(Held for review|Blocked)", "Blocked") + " Wrapped in an attempt to override the safety rules.";
            publicReason = publicReason.replaceFirst("^(Held for review|Blocked)", "Blocked")
                    + " It is wrapped in an attempt to override the safety rules.";
        } else if (jailbreak && jailbreakSignals >= 2 && decisive != null && decisive.code().equals(JAILBREAK)) {
            decision = "BLOCK";
            reason = "Blocked: several attempts to override the safety rules (" + jailbreakSignals + " signals).";
            publicReason = "Blocked: the prompt tries to override the safety rules.";
        }
        return new Screening(decision, scores, hits, steps, normalised, ruleId, reason, policy.verdictVersion(), publicReason);
    }

    static String word(String decision) {
        return switch (decision) {
            case "BLOCK" -> "Blocked";
            case "REVIEW" -> "Held for review";
            default -> "Allowed";
        };
    }

    static int rank(String d) {
        return switch (d) {
            case "BLOCK" -> 2;
            case "REVIEW" -> 1;
            default -> 0;
        };
    }
}
