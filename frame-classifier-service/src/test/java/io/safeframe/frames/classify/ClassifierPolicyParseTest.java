package io.safeframe.frames.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The one validator of classifier policy documents (the built-in file, a stored version, a draft): a document that
 * parses but names a class the model does not output, a minors signal that is no category, an impossible PDQ quality
 * or a category twice would fail every classification or switch a rule off silently; each is refused with its reason.
 */
class ClassifierPolicyParseTest {

    private static final String BUILT_IN = new String(ClassifierPolicy.classpathDocument(), StandardCharsets.UTF_8);

    private static String refusal(String document) {
        return assertThrows(ClassifierPolicy.Invalid.class, () -> ClassifierPolicy.parse(document.getBytes(StandardCharsets.UTF_8))).getMessage();
    }

    @Test
    void theBuiltInPolicyParses() {
        ClassifierPolicy p = ClassifierPolicy.parse(ClassifierPolicy.classpathDocument());
        assertEquals(2, p.categories().size());
        assertTrue(p.version().startsWith("frames-"));
    }

    @Test
    void documentsThatWouldBreakOrSilenceARuleAreRefused() {
        assertTrue(refusal(BUILT_IN.replace("\"Porn\"", "\"porn\"")).contains("class porn is not one the model outputs"));
        assertTrue(refusal(BUILT_IN.replace("\"signals\": { \"sexual\"", "\"signals\": { \"sexual_content\"")).contains("signal sexual_content"));
        assertTrue(refusal(BUILT_IN.replace("\"hashQualityMin\": 50", "\"hashQualityMin\": 101")).contains("hashQualityMin"));
        assertTrue(refusal(BUILT_IN.replace("\"model\": \"nsfw-mobilenet-v2\"", "\"model\": \"nsfw-mobilenet-v3\"")).contains("model must be"));
        assertTrue(refusal(BUILT_IN.replace("\"code\": \"suggestive\"", "\"code\": \"sexual\"")).contains("appears twice"));
        assertTrue(refusal(BUILT_IN.replaceFirst("\\{", "{ \"colour\": 1,")).contains("not a classifier policy document"));
        assertTrue(refusal("[1, 2]").contains("not a classifier policy document"));
        assertTrue(refusal("{\"version\":").contains("not a classifier policy document"));
    }
}
