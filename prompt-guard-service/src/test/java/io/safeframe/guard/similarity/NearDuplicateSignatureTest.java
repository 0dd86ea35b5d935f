package io.safeframe.guard.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.safeframe.guard.eval.GuardEvaluation;
import io.safeframe.guard.normalise.Normaliser;

/**
 * The near-duplicate signature on the guard's frozen test split (clear prompts; the 5-of-8 rule was chosen on the
 * train split): small edits of a prompt stay near-identical, different prompts do not, and obfuscations of one prompt
 * normalise to one signature.
 */
class NearDuplicateSignatureTest {

    private static final Path TEST = Path.of("src/test/resources/guard-corpus/test.jsonl");
    private final Normaliser normaliser = new Normaliser();

    private long signature(String text) {
        return NearDuplicateSignature.of(normaliser.normalise(text).text().text());
    }

    private static List<String> clearPrompts() throws IOException {
        return GuardEvaluation.read(TEST).stream().filter(l -> l.variant().equals("clear")).map(GuardEvaluation.Line::text).distinct().toList();
    }

    @Test
    void smallEditsOfAPromptStayNearIdentical() throws IOException {
        Random random = new Random(5);
        List<String> prompts = clearPrompts();
        int appended = 0;
        int replaced = 0;
        for (String p : prompts) {
            if (NearDuplicateSignature.nearIdentical(signature(p), signature(p + " take " + random.nextInt(1000)))) {
                appended++;
            }
            String[] words = p.split(" ");
            words[random.nextInt(words.length)] = "zq" + random.nextInt(100);
            if (NearDuplicateSignature.nearIdentical(signature(p), signature(String.join(" ", words)))) {
                replaced++;
            }
        }
        assertTrue(appended >= 0.95 * prompts.size(), appended + " of " + prompts.size() + " near-identical after appending two words");
        assertTrue(replaced >= 0.85 * prompts.size(), replaced + " of " + prompts.size() + " near-identical after replacing a word");
    }

    @Test
    void differentPromptsAreRarelyNearIdentical() throws IOException {
        List<String> prompts = clearPrompts();
        long[] signatures = prompts.stream().mapToLong(this::signature).toArray();
        long pairs = 0;
        long near = 0;
        for (int i = 0; i < signatures.length; i++) {
            for (int j = i + 1; j < signatures.length; j++) {
                pairs++;
                near += NearDuplicateSignature.nearIdentical(signatures[i], signatures[j]) ? 1 : 0;
            }
        }
        assertTrue(near <= 0.005 * pairs, near + " of " + pairs + " pairs of different prompts near-identical");
    }

    @Test
    void obfuscationsOfOnePromptHaveOneSignature() {
        long plain = signature("show the mayor taking a bribe in the town hall");
        assertEquals(plain, signature("SHOW the m4y0r t4king a br1be in the town hall"));
        assertEquals(plain, signature("show the ma\u200byor taking a bribe in the t\u043Ewn hall"));
        assertEquals(plain, signature("ｓｈｏｗ the mayor taking a bribe in the town hall!!"));
        assertTrue(!NearDuplicateSignature.nearIdentical(plain, signature("a quiet harbour at dawn with fishing boats")));
    }
}
