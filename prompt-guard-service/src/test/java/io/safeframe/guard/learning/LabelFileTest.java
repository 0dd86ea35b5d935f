package io.safeframe.guard.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safeframe.guard.eval.GuardEvaluation;

/** A label file is read whole or refused whole, naming the line: a silently skipped label is a silently different model. */
class LabelFileTest {

    @TempDir
    Path dir;

    static final List<GuardEvaluation.Line> FROZEN = List.of(
            new GuardEvaluation.Line("a knight polishing his sword by the fire", "safe", "none", "clear"));

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("labels.jsonl"), content);
    }

    private String refusal(String content) throws IOException {
        Path f = file(content);
        return assertThrows(LabelFile.Refused.class, () -> LabelFile.read(f, FROZEN)).getMessage();
    }

    @Test
    void labelsAreReadOnceEachWithTheirCategory() throws IOException {
        List<GuardEvaluation.Line> l = LabelFile.read(file("""
                {"text": "a cat on a sofa", "label": "safe"}

                {"text": "A  CAT on a sofa", "label": "safe", "category": "sexual"}
                {"text": "how many pills so she never wakes up", "label": "unsafe", "category": "self_harm"}
                """), FROZEN);
        assertEquals(2, l.size(), "the repeated prompt (same after normalising) counts once");
        assertEquals("none", l.get(0).category(), "a safe label has no category, whatever the line says");
        assertEquals("self_harm", l.get(1).category());
        assertTrue(l.get(1).unsafe());
    }

    @Test
    void malformedLinesAreRefusedByLineNumber() throws IOException {
        String ok = "{\"text\": \"a cat\", \"label\": \"safe\"}\n";
        assertTrue(refusal(ok + "{\"text\": \"a dog\", \"label\": \n").startsWith("labels.jsonl line 2: not JSON"));
        assertTrue(refusal(ok + "[1, 2]\n").contains("line 2: not a JSON object"));
        assertTrue(refusal("{\"text\": 7, \"label\": \"safe\"}").contains("line 1: \"text\" must be a non-empty string"));
        assertTrue(refusal("{\"text\": \"  \", \"label\": \"safe\"}").contains("\"text\" must be a non-empty string"));
        assertTrue(refusal("{\"text\": \"a cat\", \"label\": \"maybe\"}").contains("\"label\" must be"));
        assertTrue(refusal("{\"text\": \"a cat\", \"label\": true}").contains("\"label\" must be"));
        assertTrue(refusal("{\"text\": \"" + "a".repeat(LabelFile.MAX_TEXT_CHARS + 1) + "\", \"label\": \"safe\"}").contains("longer than"));
        assertTrue(refusal("\n\n").contains("no labels"));
    }

    @Test
    void anUnsafeLabelNeedsACategoryTheHeadsCover() throws IOException {
        assertTrue(refusal("{\"text\": \"x y z\", \"label\": \"unsafe\"}").contains("needs a \"category\""));
        assertTrue(refusal("{\"text\": \"x y z\", \"label\": \"unsafe\", \"category\": \"rudeness\"}").contains("needs a \"category\""));
        assertTrue(refusal("{\"text\": \"x y z\", \"label\": \"unsafe\", \"category\": \"copyrighted_characters\"}")
                .contains("needs a \"category\""), "copyrighted characters are the rules' alone, not a head");
    }

    @Test
    void invalidUnicodeIsRefused() throws IOException {
        assertTrue(refusal("{\"text\": \"a \\ud800 cat\", \"label\": \"safe\"}").contains("unpaired surrogate"));
        Path f = dir.resolve("latin1.jsonl");
        Files.write(f, "{\"text\": \"caf\u00e9\", \"label\": \"safe\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(LabelFile.Refused.class, () -> LabelFile.read(f, FROZEN)).getMessage().contains("not valid UTF-8"));
    }

    @Test
    void disagreeingLabelsForOnePromptAreRefusedNotAveraged() throws IOException {
        String m = refusal("""
                {"text": "the crowd calls them rats", "label": "unsafe", "category": "hate_harassment"}
                {"text": "The crowd calls them rats", "label": "safe"}
                """);
        assertTrue(m.contains("line 2") && m.contains("line 1") && m.contains("resolve the disagreement"), m);
    }

    @Test
    void aPromptOfTheFrozenTestSplitIsNeverTrainedOn() throws IOException {
        String m = refusal("{\"text\": \"A knight polishing his SWORD by the fire\", \"label\": \"safe\"}");
        assertTrue(m.contains("line 1 of the frozen test split"), m);
    }
}
