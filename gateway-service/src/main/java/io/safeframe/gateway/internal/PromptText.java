package io.safeframe.gateway.internal;

import io.safeframe.gateway.problem.ApiException;

/** Checks on prompt text at the edge: present, bounded, and well-formed Unicode (no lone surrogates). */
public final class PromptText {

    private PromptText() {
    }

    public static String require(String prompt, int maxChars) {
        if (prompt != null && prompt.length() > maxChars) {
            throw new ApiException(413, "prompt-too-long", "Prompt too long",
                    "prompt has " + prompt.length() + " characters; the limit is " + maxChars);
        }
        return requireText(prompt, "prompt", maxChars);
    }

    /** Any free-text field: present, at most maxChars, well-formed Unicode; 400 otherwise. */
    public static String requireText(String prompt, String field, int maxChars) {
        if (prompt == null || prompt.isBlank()) {
            throw ApiException.badRequest(field + " must not be empty");
        }
        if (prompt.length() > maxChars) {
            throw ApiException.badRequest(field + " has " + prompt.length() + " characters; the limit is " + maxChars);
        }
        for (int i = 0; i < prompt.length(); i++) {
            char c = prompt.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= prompt.length() || !Character.isLowSurrogate(prompt.charAt(i + 1))) {
                    throw ApiException.badRequest(field + " contains invalid Unicode (unpaired surrogate at " + i + ")");
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw ApiException.badRequest(field + " contains invalid Unicode (unpaired surrogate at " + i + ")");
            }
        }
        return prompt;
    }
}
