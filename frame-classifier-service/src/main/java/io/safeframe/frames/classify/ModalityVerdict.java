package io.safeframe.frames.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Evidence;
import io.safeframe.api.v1.Region;
import io.safeframe.api.v1.Verdict;
import io.safeframe.frames.text.TextLine;
import io.safeframe.frames.text.TextScreener;
import io.safeframe.frames.text.speech.Speech;

/**
 * The frames' verdict joined with what the clip's text on screen and speech were judged: the strictest decision
 * wins, and every text that was not allowed becomes evidence with its modality, time span, region and the words
 * read (for moderators; the public reason names only the modality and category).
 *
 * Audio that exists but cannot be read is never silence: the decision is at least REVIEW, with an evidence entry
 * saying the audio could not be read. A frames BLOCK stays a BLOCK. Why not keep an ALLOW with a note: a generator
 * (or an attacker uploading to verification) can corrupt an audio stream that players still half play, and an ALLOW
 * would publish speech nobody screened; the cost is a human look at a rare clip.
 */
public final class ModalityVerdict {

    public static final String AUDIO_UNREADABLE = "speech:audio-unreadable";

    /**
     * Categories that describe a prompt, not what a clip shows or says: a jailbreak is an attempt to steer the
     * generator, and words in a finished clip steer nothing. Text read from a clip whose verdict rests on such a
     * category is not a finding. Found by the curation sweep: tesseract reads fragments ("foe a Be a ot wd") off the
     * texture of a text-free synthetic clip, and the guard's encoder judges such gibberish as a jailbreak (obfuscation
     * looks like gibberish), so a safe clip went to review. Harm categories of the same text still count.
     */
    static final java.util.Set<String> PROMPT_ONLY_CATEGORIES = java.util.Set.of("jailbreak");

    private ModalityVerdict() {
    }

    public static Verdict merge(Verdict frames, List<TextScreener.Screened> screened, Speech.Result audio) {
        Decision decision = frames.getDecision();
        String rule = frames.getRuleId();
        List<String> reasons = new ArrayList<>();
        List<String> publicReasons = new ArrayList<>();
        if (decision != Decision.ALLOW) {
            reasons.add(frames.getReason());
        }
        if (!frames.getPublicReason().isEmpty()) {
            publicReasons.add(frames.getPublicReason()); // kept when text findings add theirs
        }
        Verdict.Builder out = frames.toBuilder().clearEvidence().addAllEvidence(frames.getEvidenceList());
        for (TextScreener.Screened s : screened) {
            Verdict v = s.verdict();
            if (v.getDecision() != Decision.REVIEW && v.getDecision() != Decision.BLOCK) {
                continue;
            }
            TextLine line = s.line();
            String category = topCategory(v);
            if (PROMPT_ONLY_CATEGORIES.contains(category)) {
                continue;
            }
            Evidence.Builder e = Evidence.newBuilder().setModality(line.modality()).setRuleId(line.modality() + ":" + v.getRuleId())
                    .setCategory(category).setMatched(line.text()).setTimestampMs(line.startMs()).setEndTimestampMs(line.endMs())
                    .setScore(score(v, category));
            if (!line.box().isNone()) {
                e.setRegion(Region.newBuilder().setX(line.box().x()).setY(line.box().y()).setWidth(line.box().width())
                        .setHeight(line.box().height()));
            }
            out.addEvidence(e);
            String what = line.modality().equals(TextLine.OCR) ? "on-screen text" : "speech";
            reasons.add(String.format(Locale.ROOT, "%s at %.1f–%.1f s judged %s by prompt-guard (%s)", what, line.startMs() / 1000.0,
                    line.endMs() / 1000.0, v.getDecision(), v.getRuleId()));
            publicReasons.add(what + ": " + (v.getPublicReason().isEmpty() ? category : v.getPublicReason()));
            for (CategoryScore c : v.getCategoriesList()) {
                mergeCategory(out, c);
            }
            if (rank(v.getDecision()) > rank(decision)) {
                decision = v.getDecision();
                rule = line.modality() + ":" + v.getRuleId();
            }
        }
        if (audio.status() == Speech.Status.UNREADABLE) {
            out.addEvidence(Evidence.newBuilder().setModality(TextLine.SPEECH).setRuleId(AUDIO_UNREADABLE)
                    .setMatched("the audio track could not be read: " + audio.detail()).setTimestampMs(-1));
            reasons.add("the audio track could not be read (" + audio.detail() + "); its speech was not screened");
            publicReasons.add("the audio could not be checked");
            if (rank(Decision.REVIEW) > rank(decision)) {
                decision = Decision.REVIEW;
                rule = AUDIO_UNREADABLE;
            }
        }
        out.setDecision(decision).setRuleId(rule);
        if (!reasons.isEmpty()) {
            out.setReason(String.join("; ", reasons));
        }
        if (!publicReasons.isEmpty()) {
            out.setPublicReason(String.join("; ", publicReasons));
        }
        return out.build();
    }

    private static void mergeCategory(Verdict.Builder out, CategoryScore c) {
        for (int i = 0; i < out.getCategoriesCount(); i++) {
            if (out.getCategories(i).getCategory().equals(c.getCategory())) {
                if (c.getScore() > out.getCategories(i).getScore()) {
                    out.setCategories(i, c);
                }
                return;
            }
        }
        out.addCategories(c);
    }

    static String topCategory(Verdict v) {
        return v.getCategoriesList().stream().max(java.util.Comparator.comparingDouble(CategoryScore::getScore))
                .map(CategoryScore::getCategory).orElse("");
    }

    private static double score(Verdict v, String category) {
        return v.getCategoriesList().stream().filter(c -> c.getCategory().equals(category)).mapToDouble(CategoryScore::getScore).findFirst()
                .orElse(0);
    }

    static int rank(Decision d) {
        return switch (d) {
            case BLOCK -> 3;
            case REVIEW -> 2;
            case ALLOW -> 1;
            default -> 0;
        };
    }
}
