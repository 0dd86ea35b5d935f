package io.safeframe.guard.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.safeframe.guard.encoder.GuardHeads;
import io.safeframe.guard.normalise.Normaliser;
import io.safeframe.guard.screening.AhoCorasick;

/**
 * A validated policy, ready to match: every term normalised exactly as prompts are, all terms of all
 * categories in one Aho–Corasick automaton, patterns compiled. Immutable; swapped whole on reload.
 */
public final class CompiledPolicy {

    /** What a term in the automaton stands for. group is -1 for a standalone term, combo/group index otherwise. */
    public record Term(PromptPolicy.Category category, String term, boolean prefix, int combo, int group, boolean benign) {
    }

    public record CompiledPattern(PromptPolicy.Category category, String source, Pattern pattern) {
    }

    public static final class InvalidPolicy extends RuntimeException {
        public InvalidPolicy(String message) {
            super(message);
        }
    }

    private static final Set<String> DECISIONS = Set.of("ALLOW", "REVIEW", "BLOCK");

    public final PromptPolicy source;
    public final AhoCorasick<Term> automaton;
    public final List<CompiledPattern> patterns;
    public final Map<String, PromptPolicy.Category> categoriesByCode;
    /** The profile these rules are ("standard", or a profile's name such as "teen"). */
    public final String profile;
    /** Multiplies the encoder heads' review and block points and the n-gram scorer's review point (1 = standard). */
    public final double thresholdScale;
    /** Categories a profile raised from REVIEW to BLOCK: an encoder hold in one of them is a block under the profile. */
    public final Set<String> raisedToBlock;
    /** Encoder heads this version carries (retrained from labels); null when the release's heads decide. */
    public final GuardHeads heads;
    /** The teen variant of these rules; the standard rules themselves when the policy has no teen profile. */
    private final CompiledPolicy teen;

    private CompiledPolicy(PromptPolicy source, AhoCorasick<Term> automaton, List<CompiledPattern> patterns) {
        this(source, automaton, patterns, "standard", 1.0, Set.of(), null, null);
    }

    private CompiledPolicy(PromptPolicy source, AhoCorasick<Term> automaton, List<CompiledPattern> patterns, String profile,
            double thresholdScale, Set<String> raisedToBlock, CompiledPolicy teen, GuardHeads heads) {
        this.heads = heads;
        this.profile = profile;
        this.thresholdScale = thresholdScale;
        this.raisedToBlock = Set.copyOf(raisedToBlock);
        this.teen = teen == null ? this : teen;
        this.source = source;
        this.automaton = automaton;
        this.patterns = patterns;
        Map<String, PromptPolicy.Category> byCode = new HashMap<>();
        source.categories().forEach(c -> byCode.put(c.code(), c));
        this.categoriesByCode = Map.copyOf(byCode);
    }

    public String version() {
        return source.version();
    }

    /** The version a verdict records: the policy's, with the profile appended when one applied ("2026-11-25.1+teen"). */
    public String verdictVersion() {
        return profile.equals("standard") ? source.version() : source.version() + "+" + profile;
    }

    /** The rules for a teen account: the policy's teen profile compiled over the standard rules. */
    public CompiledPolicy teen() {
        return teen;
    }

    public boolean isProfile() {
        return !profile.equals("standard");
    }

    public static CompiledPolicy compile(PromptPolicy policy, Normaliser normaliser) {
        CompiledPolicy standard = compileRules(policy, normaliser);
        for (String name : policy.profiles().keySet()) {
            if (!name.equals(PromptPolicy.TEEN)) {
                throw new InvalidPolicy("unknown profile '" + name + "' (known: " + PromptPolicy.TEEN + ")");
            }
        }
        GuardHeads heads = PolicyHeads.compile(policy);
        PromptPolicy.Profile teen = policy.profiles().get(PromptPolicy.TEEN);
        return new CompiledPolicy(policy, standard.automaton, standard.patterns, "standard", 1.0, Set.of(),
                teen == null ? null : compileProfile(policy, PromptPolicy.TEEN, teen, normaliser, heads), heads);
    }

    private static final List<String> DECISION_ORDER = List.of("ALLOW", "REVIEW", "BLOCK");

    /**
     * A profile over the standard rules: its category decisions replace the standard ones, its categories are added,
     * its scale lowers the thresholds. Refused when any of that would make the profile laxer than the standard rules.
     */
    private static CompiledPolicy compileProfile(PromptPolicy policy, String name, PromptPolicy.Profile profile,
            Normaliser normaliser, GuardHeads heads) {
        double scale = profile.scale();
        if (!(scale > 0 && scale <= 1)) {
            throw new InvalidPolicy("profile " + name + ": thresholdScale must be in (0, 1] (a profile may only be stricter)");
        }
        Map<String, PromptPolicy.Category> standard = new java.util.LinkedHashMap<>();
        policy.categories().forEach(c -> standard.put(c.code(), c));
        Set<String> raised = new HashSet<>();
        List<PromptPolicy.Category> categories = new ArrayList<>();
        for (Map.Entry<String, String> e : profile.categoryDecisions().entrySet()) {
            PromptPolicy.Category c = standard.get(e.getKey());
            if (c == null) {
                throw new InvalidPolicy("profile " + name + ": no category '" + e.getKey() + "' to change");
            }
            if (!DECISIONS.contains(e.getValue()) || DECISION_ORDER.indexOf(e.getValue()) < DECISION_ORDER.indexOf(c.decision())) {
                throw new InvalidPolicy("profile " + name + ": " + e.getKey() + " may only be raised from " + c.decision()
                        + ", not set to " + e.getValue());
            }
            if (e.getValue().equals("BLOCK") && c.decision().equals("REVIEW")) {
                raised.add(c.code());
            }
        }
        for (PromptPolicy.Category c : policy.categories()) {
            String decision = profile.categoryDecisions().get(c.code());
            categories.add(decision == null ? c : c.withDecision(decision));
        }
        categories.addAll(profile.categories());
        PromptPolicy merged = new PromptPolicy(policy.version(), policy.benign(), categories, null, policy.heads());
        CompiledPolicy rules = compileRules(merged, normaliser);
        return new CompiledPolicy(merged, rules.automaton, rules.patterns, name, scale, raised, null, heads);
    }

    private static CompiledPolicy compileRules(PromptPolicy policy, Normaliser normaliser) {
        if (policy == null || policy.version() == null || policy.version().isBlank()) {
            throw new InvalidPolicy("policy has no version");
        }
        if (policy.categories() == null || policy.categories().isEmpty()) {
            throw new InvalidPolicy("policy has no categories");
        }
        Map<String, List<Term>> terms = new HashMap<>();
        List<CompiledPattern> patterns = new ArrayList<>();
        Set<String> codes = new HashSet<>();
        for (PromptPolicy.Category c : policy.categories()) {
            if (c.code() == null || !c.code().matches("[a-z][a-z0-9_]*") || !codes.add(c.code())) {
                throw new InvalidPolicy("category code missing, malformed or repeated: " + c.code());
            }
            if (c.decision() == null || !DECISIONS.contains(c.decision())) {
                throw new InvalidPolicy(c.code() + ": decision must be one of " + DECISIONS);
            }
            if (c.severity() < 1 || c.severity() > 5) {
                throw new InvalidPolicy(c.code() + ": severity must be 1..5");
            }
            if (c.terms().isEmpty() && c.combos().isEmpty() && c.patterns().isEmpty()) {
                throw new InvalidPolicy(c.code() + ": no terms, combos or patterns");
            }
            for (String t : c.terms()) {
                add(terms, normaliser, t, c, -1, -1, false);
            }
            for (int k = 0; k < c.combos().size(); k++) {
                List<List<String>> groups = c.combos().get(k);
                if (groups.size() < 2) {
                    throw new InvalidPolicy(c.code() + ": combo " + k + " needs at least two groups");
                }
                for (int g = 0; g < groups.size(); g++) {
                    for (String t : groups.get(g)) {
                        add(terms, normaliser, t, c, k, g, false);
                    }
                }
            }
            for (String p : c.patterns()) {
                try {
                    patterns.add(new CompiledPattern(c, p, Pattern.compile(p)));
                } catch (PatternSyntaxException e) {
                    throw new InvalidPolicy(c.code() + ": bad pattern " + p + ": " + e.getDescription());
                }
            }
        }
        for (String b : policy.benign() == null ? List.<String>of() : policy.benign()) {
            add(terms, normaliser, b, null, -1, -1, true);
        }
        return new CompiledPolicy(policy, new AhoCorasick<>(terms), List.copyOf(patterns));
    }

    private static void add(Map<String, List<Term>> terms, Normaliser normaliser, String raw, PromptPolicy.Category c,
            int combo, int group, boolean benign) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidPolicy((c == null ? "benign" : c.code()) + ": empty term");
        }
        boolean prefix = raw.endsWith("*");
        String normalised = normaliser.normalise(prefix ? raw.substring(0, raw.length() - 1) : raw).text().text();
        if (normalised.length() < 2) {
            throw new InvalidPolicy("term too short after normalisation: " + raw);
        }
        terms.computeIfAbsent(normalised, k -> new ArrayList<>()).add(new Term(c, raw, prefix, combo, group, benign));
    }
}
