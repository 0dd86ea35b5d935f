package io.safeframe.gateway.internal;

import io.safeframe.gateway.problem.ApiException;

/** Checks on prompt text at the edge: present, bounded, and well-formed Unicode (no lone surrogates). */
public final class PromptText {

    private PromptText() {
    }

    public static String require(String prompt, int maxChars) {
        if (prompt == null || prompt.isBlank()) {
            throw ApiException.badRequest("prompt must not be empty");
        }
        if (prompt.length() > maxChars) {
            throw new ApiException(413, "prompt-too-long", "Prompt too long",
                    "prompt has " + prompt.length() + " characters; the limit is " + maxChars);
        }
        for (int i = 0; i < prompt.length(); i++) {
            char c = prompt.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= prompt.length() || !Character.isLowSurrogate(prompt.charAt(i + 1))) {
                    throw ApiException.badRequest("prompt contains invalid Unicode (unpaired surrogate at " + i + ")");
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw ApiException.badRequest("prompt contains invalid Unicode (unpaired surrogate at " + i + ")");
            }
        }
        return prompt;
    }
}
