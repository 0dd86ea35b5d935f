package io.safeframe.gateway.admin;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.api.v1.LabelledPrompt;
import io.safeframe.gateway.problem.ApiException;

/**
 * A labelled set for a backtest, as JSON Lines: one {@code {"text": …, "label": "safe"|"unsafe", "category": …}} per
 * line (the guard corpus's own format; other fields are ignored). Every line is checked before anything is screened,
 * and a bad one is named by its number.
 */
final class LabelledSet {

    static final int MAX_LINES = 5000;
    private static final int MAX_TEXT = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LabelledSet() {
    }

    static List<LabelledPrompt> parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("a labelled set is required: JSON Lines of {\"text\", \"label\": \"safe\"|\"unsafe\", \"category\"}");
        }
        List<LabelledPrompt> out = new ArrayList<>();
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (out.size() == MAX_LINES) {
                throw ApiException.badRequest("at most " + MAX_LINES + " labelled lines per backtest");
            }
            out.add(line(line, i + 1));
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest("the labelled set has no lines");
        }
        return out;
    }

    private static LabelledPrompt line(String line, int number) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("line " + number + " is not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject() || !n.path("text").isTextual() || !n.path("label").isTextual()) {
            throw ApiException.badRequest("line " + number + " needs \"text\" and \"label\" as strings");
        }
        String text = n.get("text").asText();
        String label = n.get("label").asText();
        if (text.isBlank() || text.length() > MAX_TEXT) {
            throw ApiException.badRequest("line " + number + ": text must have 1 to " + MAX_TEXT + " characters");
        }
        if (!label.equals("safe") && !label.equals("unsafe")) {
            throw ApiException.badRequest("line " + number + ": label must be \"safe\" or \"unsafe\"");
        }
        JsonNode category = n.path("category");
        if (!category.isMissingNode() && !category.isNull() && !category.isTextual()) {
            throw ApiException.badRequest("line " + number + ": category must be a string");
        }
        boolean unsafe = label.equals("unsafe");
        return LabelledPrompt.newBuilder().setText(text).setUnsafe(unsafe)
                .setCategory(unsafe && category.isTextual() ? category.asText() : "").build();
    }
}
