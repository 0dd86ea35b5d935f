package io.safeframe.guard.learning;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.guard.encoder.TrainHeads;
import io.safeframe.guard.eval.GuardEvaluation;
import io.safeframe.guard.normalise.Normaliser;

/**
 * Moderator labels for retraining the heads: JSON Lines of {@code {"text": ..., "label": "unsafe"|"safe", "category":
 * ...}} (the labelling queue's export and the safety-label dataset both have this shape). Read strictly: a file with one
 * bad line is refused whole, naming the line, because a silently skipped label is a silently different model.
 */
public final class LabelFile {

    public static final int MAX_LABELS = 100_000;
    public static final int MAX_TEXT_CHARS = 4000;

    /** A label file that cannot be trained on. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private LabelFile() {
    }

    /**
     * The labels, each once. {@code frozen} is the frozen test split: a label on one of its prompts is refused, since a
     * candidate trained on the lines it is measured on would report a gain it does not have.
     */
    public static List<GuardEvaluation.Line> read(Path file, List<GuardEvaluation.Line> frozen) throws IOException {
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(file + " is not valid UTF-8");
        }
        Normaliser normaliser = new Normaliser();
        Map<String, Integer> frozenLines = new HashMap<>();
        for (int i = 0; i < frozen.size(); i++) {
            frozenLines.putIfAbsent(key(normaliser, frozen.get(i).text()), i + 1);
        }
        Set<String> categories = Set.copyOf(TrainHeads.CATEGORIES);
        Map<String, Integer> seenAt = new HashMap<>();
        Map<String, String> seenLabel = new HashMap<>();
        List<GuardEvaluation.Line> out = new ArrayList<>();
        String[] rows = content.split("\n", -1);
        for (int n = 1; n <= rows.length; n++) {
            String row = rows[n - 1].strip();
            if (row.isEmpty()) {
                continue;
            }
            String where = file.getFileName() + " line " + n + ": ";
            JsonNode node;
            try {
                node = JSON.readTree(row);
            } catch (JsonProcessingException e) {
                throw new Refused(where + "not JSON (" + e.getOriginalMessage() + ")");
            }
            if (node == null || !node.isObject()) {
                throw new Refused(where + "not a JSON object");
            }
            JsonNode text = node.path("text");
            JsonNode label = node.path("label");
            if (!text.isTextual() || text.asText().isBlank()) {
                throw new Refused(where + "\"text\" must be a non-empty string");
            }
            if (text.asText().length() > MAX_TEXT_CHARS) {
                throw new Refused(where + "\"text\" is longer than " + MAX_TEXT_CHARS + " characters");
            }
            if (hasLoneSurrogate(text.asText())) {
                throw new Refused(where + "\"text\" holds an unpaired surrogate (not Unicode text)");
            }
            if (!label.isTextual() || !(label.asText().equals("unsafe") || label.asText().equals("safe"))) {
                throw new Refused(where + "\"label\" must be \"unsafe\" or \"safe\"");
            }
            boolean unsafe = label.asText().equals("unsafe");
            String category = node.path("category").asText("none");
            if (unsafe && !categories.contains(category)) {
                throw new Refused(where + "an unsafe label needs a \"category\" the heads cover: " + TrainHeads.CATEGORIES);
            }
            String key = key(normaliser, text.asText());
            Integer frozenAt = frozenLines.get(key);
            if (frozenAt != null) {
                throw new Refused(where + "the prompt is line " + frozenAt + " of the frozen test split, which is never trained on");
            }
            String verdict = unsafe ? "unsafe:" + category : "safe";
            Integer first = seenAt.putIfAbsent(key, n);
            if (first != null) {
                if (!seenLabel.get(key).equals(verdict)) {
                    throw new Refused(where + "labelled " + verdict + ", but line " + first + " labels the same prompt "
                            + seenLabel.get(key) + ": resolve the disagreement first");
                }
                continue;
            }
            seenLabel.put(key, verdict);
            if (out.size() == MAX_LABELS) {
                throw new Refused(file.getFileName() + ": more than " + MAX_LABELS + " labels");
            }
            out.add(new GuardEvaluation.Line(text.asText(), label.asText(), unsafe ? category : "none", "clear", "clear", "labelling"));
        }
        if (out.isEmpty()) {
            throw new Refused(file.getFileName() + ": no labels");
        }
        return out;
    }

    /** Two labels are for the same prompt when their normalised texts are equal (case, spacing, look-alikes). */
    private static String key(Normaliser normaliser, String text) {
        return normaliser.normalise(text).text().text();
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
