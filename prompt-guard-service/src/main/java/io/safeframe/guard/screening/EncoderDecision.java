package io.safeframe.guard.screening;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.safeframe.guard.encoder.GuardHeads;
import io.safeframe.guard.encoder.GuardModel;
import io.safeframe.guard.policy.CompiledPolicy;
import io.safeframe.guard.policy.PromptPolicy.Category;

/**
 * The v2 decision: every view of the prompt (the normalised text and each decoded payload) is embedded, and per
 * category a head combines the embedding, the rules' scores in that view and the context cues into P(category). The
 * highest view counts. BLOCK at or above the category's calibrated block point, REVIEW at or above its review point.
 * Rules alone decide only a certain BLOCK (two or more distinct lexicon matches of one category, no framing cue).
 */
final class EncoderDecision {

    private static final String JAILBREAK = "jailbreak";

    private final GuardModel model;

    EncoderDecision(Screener screener, GuardModel model) {
        this.model = model;
    }

    /** The heads that decide under this policy: the version's own (retrained from labels) or the release's. */
    GuardHeads heads(CompiledPolicy policy) {
        return policy.heads != null ? policy.heads : model.heads();
    }

    /** P(category) per view, in view order. */
    List<Map<String, Double>> scoreViews(Screener.Analysis a, CompiledPolicy policy) {
        GuardHeads heads = heads(policy);
        List<String> texts = a.views().stream().map(Screener.View::text).filter(t -> !t.equals(Screener.ENCODED_ONLY)).toList();
        float[][] emb = texts.size() == 1 ? new float[][] { model.encoder().embed(texts.get(0)) } : model.encoder().embedAll(texts);
        List<Map<String, Double>> out = new ArrayList<>();
        int k = 0;
        for (Screener.View v : a.views()) {
            if (v.text().equals(Screener.ENCODED_ONLY)) {
                out.add(Map.of()); // an encoded run is no evidence either way; its decoded text is scored as its own view
            } else {
                out.add(heads.score(GuardHeads.features(emb[k++], heads.ruleCategories(), v.ruleScores(), v.context())));
            }
        }
        return out;
    }

    /** P(unsafe): the any-unsafe head's highest score over the views (what the operating points compare). */
    double unsafeProbability(Screener.Analysis a, CompiledPolicy policy) {
        double p = 0;
        for (Map<String, Double> m : scoreViews(a, policy)) {
            p = Math.max(p, m.getOrDefault(GuardHeads.ANY, 0.0));
        }
        return p;
    }

    static boolean certainBlock(Screener.Analysis a) {
        Screening r = a.byRules();
        if (!r.decision().equals("BLOCK") || !a.views().get(0).context().names().stream().allMatch(n -> n.equals("operational ask"))) {
            return false;
        }
        Map<String, Set<String>> distinct = new LinkedHashMap<>();
        for (Screening.Hit h : r.hits()) {
            if (!h.category().equals(JAILBREAK) && h.view().equals("normalised")) {
                distinct.computeIfAbsent(h.category(), k -> new HashSet<>()).add(h.matched());
            }
        }
        return distinct.values().stream().anyMatch(s -> s.size() >= 2);
    }

    /** A negation, protective or depicted-text cue, and no operational ask (which switches framing off). */
    static boolean framed(Screener.View v) {
        float[] c = v.context().vector();
        return c[0] + c[1] + c[2] > 0;
    }

    private static final java.util.Set<String> ENGLISH = java.util.Set.of("the", "a", "an", "of", "in", "on", "and", "with", "to",
            "is", "are", "for", "at", "by", "from", "as", "his", "her", "their", "my", "your", "this", "that", "it", "be", "who",
            "how", "what", "while", "into", "over", "show", "make", "video", "clip", "i", "you", "me", "he", "she", "they",
            "we", "not", "no", "so", "or", "but", "all", "up", "out", "like", "about", "after", "before", "then", "there");

    /**
     * The encoder (bge-small-en) reads English only: on a prompt of four or more words with almost no English function
     * words its low score means "cannot tell", so the v1 verdict (rules + n-gram scorer) stands if it is stricter.
     */
    static boolean probablyNotEnglish(String normalised) {
        String[] words = normalised.toLowerCase(Locale.ROOT).split("[^\\p{L}']+");
        int n = 0;
        int english = 0;
        for (String w : words) {
            if (!w.isEmpty()) {
                n++;
                english += ENGLISH.contains(w) ? 1 : 0;
            }
        }
        return n >= 4 && english * 10 < n;
    }

    Screening decide(Screener.Analysis a, CompiledPolicy policy) {
        if (certainBlock(a)) {
            return a.byRules();
        }
        Screening s = decide(a, scoreViews(a, policy), policy);
        // a category the heads do not cover (copyrighted characters) is the rules' alone: their verdict stands
        Screening rules = a.byRules();
        if (Screener.rank(rules.decision()) > Screener.rank(s.decision())
                && heads(policy).head(GuardHeads.ruleCategory(rules.ruleId())) == null) {
            return rules;
        }
        return s;
    }

    Screening decide(Screener.Analysis a, List<Map<String, Double>> perView, CompiledPolicy policy) {
        GuardHeads heads = heads(policy);
        Map<String, Double> best = new LinkedHashMap<>();
        Map<String, Integer> bestView = new LinkedHashMap<>();
        for (int i = 0; i < perView.size(); i++) {
            for (Map.Entry<String, Double> e : perView.get(i).entrySet()) {
                if (e.getValue() > best.getOrDefault(e.getKey(), -1.0)) {
                    best.put(e.getKey(), e.getValue());
                    bestView.put(e.getKey(), i);
                }
            }
        }
        String decision = "ALLOW";
        GuardHeads.Head decisive = null;
        double pAny = best.getOrDefault(GuardHeads.ANY, 0.0);
        String top = GuardHeads.argmaxCategory(best);
        GuardHeads.Head h = top == null ? null : heads.head(top);
        if (h != null) {
            // a profile (teen) scales every operating point down: the same score is held or blocked sooner
            decision = pAny >= h.block() * policy.thresholdScale ? "BLOCK"
                    : pAny >= h.review() * policy.thresholdScale ? "REVIEW" : "ALLOW";
            decisive = decision.equals("ALLOW") ? null : h;
        }
        // a category whose rules were never wrong on dev keeps the rules' flag as a floor (REVIEW at least)
        Screening rules = a.byRules();
        GuardHeads.Head floorHead = rules.decision().equals("ALLOW") ? null : heads.head(GuardHeads.ruleCategory(rules.ruleId()));
        boolean floored = false;
        if (decision.equals("ALLOW") && floorHead != null && floorHead.ruleFloor()) {
            decision = "REVIEW";
            decisive = floorHead;
            floored = true;
        }
        // two independent signals agreeing is high confidence: the rules BLOCK a category and the encoder flags the same one
        boolean agreed = false;
        String decisiveCategory = decisive == null ? "" : decisive.category();
        if (decision.equals("REVIEW") && !floored && rules.decision().equals("BLOCK")
                && GuardHeads.ruleCategory(rules.ruleId()).equals(decisiveCategory)
                && a.views().stream().anyMatch(v -> v.ruleScores().containsKey(decisiveCategory)) // not only in depicted text
                && !framed(a.views().get(0))) { // framing lowers: a framed prompt the rules block is held for review
            decision = "BLOCK";
            agreed = true;
        }
        GuardHeads.Head jb = heads.head(JAILBREAK);
        // escalation needs the jailbreak said, not shown: a rule must find it outside text depicted on screen
        boolean jailbreakToo = decisive != null && !decisive.category().equals(JAILBREAK) && jb != null
                && best.getOrDefault(JAILBREAK, 0.0) >= jb.review() * policy.thresholdScale
                && a.views().stream().anyMatch(v -> v.ruleScores().containsKey(JAILBREAK));
        Screening r = a.byRules();
        // the contract's category scores: the case queue downstream is the top category, so the decisive category comes
        // first with P(unsafe) and the rules' other scores are capped below it; head scores are not per-category
        // probabilities and stay internal
        Map<String, Double> scores = new LinkedHashMap<>();
        if (decisive != null) {
            double topScore = Math.round(pAny * 1000) / 1000.0;
            scores.put(decisive.category(), topScore);
            r.categoryScores().forEach((k, v) -> scores.putIfAbsent(k, Math.min(v, topScore)));
        } else {
            scores.putAll(r.categoryScores());
        }
        String ruleId = "none";
        String reason = "No policy rule matched and the encoder rates every category below its review point.";
        String publicReason = "No policy rule matched.";
        if (decisive != null) {
            Category c = policy.categoriesByCode.get(decisive.category());
            String name = c == null ? decisive.category() : c.name();
            int view = bestView.getOrDefault(GuardHeads.ANY, 0);
            Screener.View v = a.views().get(view);
            boolean ruleToo = v.ruleScores().getOrDefault(decisive.category(), 0.0) > 0;
            ruleId = (ruleToo ? "rules+encoder:" : "encoder:") + decisive.category();
            double p = pAny;
            reason = String.format(Locale.ROOT, "%s: %s (encoder P(unsafe) = %.2f, category by the %s head; review at %.2f, block at %.2f%s%s%s).",
                    Screener.word(decision), name, p, decisive.category(), decisive.review() * policy.thresholdScale,
                    decisive.block() * policy.thresholdScale,
                    ruleToo ? "; a rule matched too" : "", view > 0 ? "; in the " + v.label() + "-decoded text" : "",
                    v.context().names().isEmpty() ? "" : "; context: " + String.join(", ", v.context().names()));
            publicReason = Screener.word(decision) + ": the prompt falls under our rules on " + name + ".";
            if (agreed) {
                ruleId = "rules+encoder-agree:" + decisive.category();
                reason = reason.replaceFirst("^Held for review", "Blocked") + " The rules block it and the encoder flags the same category.";
            }
            if (floored) {
                scores.clear();
                scores.putAll(rules.categoryScores());
                ruleId = "rules-floor:" + rules.ruleId();
                reason = "Held for review: " + name + " (a rule matched: " + rules.reason().replaceFirst("^[A-Za-z ]+: ", "")
                        + " The encoder alone would allow it, P(unsafe) = " + String.format(Locale.ROOT, "%.2f", p) + ".)";
            }
            if (jailbreakToo && !decision.equals("BLOCK")) {
                decision = "BLOCK";
                ruleId = "jailbreak+" + ruleId;
                reason = reason.replaceFirst("^Held for review", "Blocked") + " Wrapped in an attempt to override the safety rules.";
                publicReason = publicReason.replaceFirst("^Held for review", "Blocked")
                        + " It is wrapped in an attempt to override the safety rules.";
            }
        } else if (a.undecodableBlob() != null) {
            decision = "REVIEW";
            ruleId = "undecodable-payload";
            reason = "Held for review: the prompt carries a long high-entropy run that decodes to no readable text ("
                    + a.undecodableBlob().length() + " characters); nothing else in it is unsafe.";
            publicReason = "Held for review: the prompt contains encoded data we cannot read; a moderator will look at it.";
        }
        double margin = h == null ? Double.NaN
                : Math.min(Math.abs(logit(pAny) - logit(h.review() * policy.thresholdScale)),
                        Math.abs(logit(pAny) - logit(h.block() * policy.thresholdScale)));
        return new Screening(decision, scores, r.hits(), r.steps(), r.normalisedText(), ruleId, reason, r.policyVersion(),
                publicReason, margin);
    }

    private static double logit(double p) {
        double q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
        return Math.log(q / (1 - q));
    }
}
