package io.safeframe.guard.encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Context cues read from the normalised text, each 0 or 1: negation of the harmful element (", no gore"),
 * protective or educational framing (a PSA, a lesson, a fact-check), text depicted on screen rather than an
 * instruction ("a sign that reads '…'"), and an operational ask (step by step, exact amounts, where to cut).
 * The heads learn how much each lowers a score, bounded (see {@link GuardHeads#FRAMING_CAP}); an operational ask
 * switches the framing discounts off, so framing lowers a score but never erases a real harm.
 */
public record ContextFeatures(boolean negation, boolean protective, boolean depicted, boolean operational) {

    public static final List<String> NAMES = List.of("ctx:negation", "ctx:protective", "ctx:depicted", "ctx:operational");

    private static final String HARM_ELEMENT = "(?:gore|gory|blood|bloody|nudity|nude|naked|violence|violent|injur\\w*|wounds?|"
            + "bodies|corpses?|deaths?|weapons?|guns?|explicit|graphic|sex|sexual|drugs?|harm|casualties|suffering|swearing|"
            + "one (?:is |gets )?(?:hurt|harmed|killed|injured|shot))";
    private static final Pattern NEGATION = Pattern.compile(
            "\\b(?:no|without(?: any)?|zero|not any|nothing|never|free of|minus)\\s+(?:\\w+\\s+){0,2}?" + HARM_ELEMENT + "\\b"
                    + "|\\b(?:nobody|no one|no-one) (?:is |gets )?(?:hurt|harmed|injured|killed)"
                    + "|\\b(?:family|kid|child)[- ]friendly\\b|\\bfully clothed\\b|\\bnon[- ]?(?:explicit|graphic|violent)\\b"
                    + "|\\bnot (?:graphic|explicit|gory)\\b|\\bnothing (?:explicit|graphic|shown)\\b|\\btasteful(?:ly)?\\b|\\bmodest\\b"
                    + "|\\bno (?:graphic|visible) \\w+");
    private static final Pattern PROTECTIVE = Pattern.compile(
            "\\b(?:psa|public service|awareness|prevention|helpline|hotline|crisis line|harm[- ]reduction|fact[- ]?check\\w*|"
                    + "debunk\\w*|educational|explainer|lesson|lecture|documentary|class(?:room)?|curriculum|museum|"
                    + "campaign against|anti[- ]\\w+ (?:campaign|psa|ad)|how to (?:spot|recognise|recognize|detect|report|stay safe)|"
                    + "survivors?|recovery|support group|counsell?or|therap(?:y|ist)|first aid|safety (?:ad|video|campaign|lesson)|"
                    + "parody|satir\\w+|caricature|historical|history|memorial|vigil|trial|news report|reporter|journalist)\\b");
    private static final Pattern DEPICTED = Pattern.compile(
            "\\b(?:sign|placard|banner|screen|monitor|billboard|t-?shirt|poster|title card|menu|graffiti|slogan|label|caption|"
                    + "neon|headline|message|words|text|letters)\\b[^.]{0,40}?\\b(?:says?|reads?|reading|displays?|showing|shows|"
                    + "with the (?:words?|text|slogan))\\b|\\bon[- ]screen text\\b|\\bfilm poster\\b|\\bmovie called\\b|\\bthriller called\\b");
    private static final Pattern OPERATIONAL = Pattern.compile(
            "\\b(?:step[- ]by[- ]step|step \\d|how to (?!spot|recognise|recognize|detect|report|stay safe|get help|support)|"
                    + "tutorial|recipe|instructions?|guide|exact (?:amounts?|quantities|ratios?|doses?|dosage)|measurements|"
                    + "shopping list|where to (?:buy|cut|get)|dosage|how (?:many|much) (?!fun)|which (?:chemicals|pills|household)|"
                    + "the method|in detail|show(?:ing)? the technique|reaction temperatures?)\\b");

    public static ContextFeatures of(String normalised) {
        String s = normalised.toLowerCase(java.util.Locale.ROOT);
        boolean operational = OPERATIONAL.matcher(s).find();
        return new ContextFeatures(NEGATION.matcher(s).find(), PROTECTIVE.matcher(s).find(), DEPICTED.matcher(s).find(),
                operational);
    }

    /** The feature vector: framing cues count only when the prompt does not ask for a method. */
    public float[] vector() {
        float framingOn = operational ? 0f : 1f;
        return new float[] { negation ? framingOn : 0f, protective ? framingOn : 0f, depicted ? framingOn : 0f,
                operational ? 1f : 0f };
    }

    /** Spans of quoted text that a depiction cue says is shown on screen: rule hits inside them are depicted, not asked. */
    public static List<int[]> depictedSpans(String normalised) {
        List<int[]> out = new ArrayList<>();
        if (!DEPICTED.matcher(normalised.toLowerCase(java.util.Locale.ROOT)).find()) {
            return out;
        }
        Matcher m = Pattern.compile("['\"‘“]([^'\"’”]{2,120})['\"’”]").matcher(normalised);
        while (m.find()) {
            out.add(new int[] { m.start(1), m.end(1) });
        }
        return out;
    }

    public List<String> names() {
        List<String> on = new ArrayList<>();
        if (negation) {
            on.add("negation");
        }
        if (protective) {
            on.add("protective framing");
        }
        if (depicted) {
            on.add("depicted text");
        }
        if (operational) {
            on.add("operational ask");
        }
        return on;
    }
}
