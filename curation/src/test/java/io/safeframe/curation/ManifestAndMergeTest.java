package io.safeframe.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The parts of curation that need no service: manifest lines, sharding, the XMP check, the merge. */
class ManifestAndMergeTest {

    final ObjectMapper json = new ObjectMapper();

    @Test
    void linesThatAreNotItemsAreUnreadableWithAReason() {
        assertEquals("not JSON", unreadable("{\"id\": \"a\", \"text\": ").problem());
        assertEquals("not a JSON object", unreadable("[1, 2]").problem());
        assertEquals("not JSON", assertInstanceOf(ManifestLine.Unreadable.class, ManifestLine.parse(
                new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS), 3,
                "{\"id\": \"a\", \"text\": \"t\"} {\"id\": \"b\"}")).problem(), "two objects on one line");
        assertTrue(unreadable("{\"text\": \"no id\"}").problem().startsWith("no id"));
        assertTrue(unreadable("{\"id\": 7, \"text\": \"numeric id\"}").problem().startsWith("no id"));
        assertTrue(unreadable("{\"id\": \"" + "x".repeat(257) + "\", \"text\": \"t\"}").problem().startsWith("no id"));
        assertEquals("image is not a reference string", unreadable("{\"id\": \"a\", \"image\": 42}").problem());
        assertEquals("both image and video", unreadable("{\"id\": \"a\", \"image\": \"x.png\", \"video\": \"y.mp4\"}").problem());
        assertEquals("neither text nor image nor video", unreadable("{\"id\": \"a\", \"caption\": \"c\"}").problem());
        assertEquals("neither text nor image nor video", unreadable("{\"id\": \"a\", \"text\": \"  \"}").problem(), "blank text is no text");
        assertEquals("a", unreadable("{\"id\": \"a\", \"text\": 5}").id(), "a bad item keeps its id in the report");
        assertEquals("line:3", unreadable("nope").key());
    }

    @Test
    void itemsCarryTheirFieldsAlong() {
        ManifestLine.Item item = assertInstanceOf(ManifestLine.Item.class,
                ManifestLine.parse(json, 1, "{\"id\": \"v1\", \"video\": \"clips/a.mp4\", \"text\": \"a fox\", \"licence\": \"cc-by\"}"));
        assertEquals("video", item.mediaKind());
        assertEquals("clips/a.mp4", item.media());
        assertEquals("a fox", item.text());
        assertEquals("cc-by", item.item().get("licence").asText());
    }

    private ManifestLine.Unreadable unreadable(String line) {
        return assertInstanceOf(ManifestLine.Unreadable.class, ManifestLine.parse(json, 3, line));
    }

    @Test
    void shardingIsStableAndCoversEveryShard() {
        // SHA-256("u0-text-safe-0") starts 982e6068161a712e: that unsigned number mod 4 is 2 (the algorithm fixes it, not this JVM)
        assertEquals(2, Sharding.shardOf("u0-text-safe-0", 4));
        assertEquals(0, Sharding.shardOf("anything", 1));
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++) {
            counts[Sharding.shardOf("id-" + i, 4)]++;
        }
        for (int c : counts) {
            assertTrue(c > 850 && c < 1150, "shards are balanced: " + java.util.Arrays.toString(counts));
        }
        assertThrows(IllegalArgumentException.class, () -> Sharding.shardOf("a", 0));
    }

    @Test
    void xmpDigitalSourceTypeIsFoundButAC2paActionIsNot() {
        assertTrue(AiSourceMetadata.declaresTrainedAlgorithmicMedia(SyntheticDataset.xmp()));
        byte[] c2paStyle = "\"digitalSourceType\":\"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia\""
                .getBytes(StandardCharsets.US_ASCII);
        assertFalse(AiSourceMetadata.declaresTrainedAlgorithmicMedia(c2paStyle));
        byte[] far = ("Iptc4xmpExt:DigitalSourceType=\"http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture\"" + " ".repeat(400)
                + "trainedAlgorithmicMedia").getBytes(StandardCharsets.US_ASCII);
        assertFalse(AiSourceMetadata.declaresTrainedAlgorithmicMedia(far), "another source type, the word far away");
    }

    @Test
    void mergeSortsByIdThenLineAndRefusesMissingParts(@TempDir Path out) throws IOException {
        part(out, 0, 2, List.of("{\"key\":\"b\",\"line\":4,\"item\":{\"id\":\"b\",\"text\":\"x\"}}",
                "{\"key\":\"a\",\"line\":9,\"item\":{\"id\":\"a\",\"text\":\"second a\"}}"),
                List.of("{\"key\":\"line:2\",\"line\":2,\"dropped\":{\"id\":null,\"line\":2,\"reasons\":[{\"reason\":\"unreadable\",\"problem\":\"not JSON\"}]}}"));
        assertThrows(IOException.class, () -> new Merge().merge(out, 2), "shard 1 has not finished");
        part(out, 1, 2, List.of("{\"key\":\"a\",\"line\":1,\"item\":{\"id\":\"a\",\"text\":\"first a\"}}"),
                List.of("{\"key\":\"c\",\"line\":3,\"dropped\":{\"id\":\"c\",\"line\":3,\"reasons\":[{\"reason\":\"watermark\"},{\"reason\":\"c2pa\"}]}}"));
        Merge.Result r = new Merge().merge(out, 2);
        assertEquals(3, r.kept());
        assertEquals(List.of("{\"id\":\"a\",\"text\":\"first a\"}", "{\"id\":\"a\",\"text\":\"second a\"}", "{\"id\":\"b\",\"text\":\"x\"}"),
                Files.readAllLines(out.resolve("kept.jsonl")));
        assertEquals(2, Files.readAllLines(out.resolve("dropped.jsonl")).size());
        assertTrue(Files.readAllLines(out.resolve("dropped.jsonl")).get(0).contains("\"id\":\"c\""), "sorted by key: c before line:2");
        assertEquals(java.util.Map.of("unreadable", 1, "watermark", 1, "c2pa", 1), r.byReason());
    }

    private void part(Path out, int shard, int shards, List<String> kept, List<String> dropped) throws IOException {
        Path dir = Curator.partDir(out, shard, shards);
        Files.createDirectories(dir);
        Files.write(dir.resolve("kept.jsonl"), kept);
        Files.write(dir.resolve("dropped.jsonl"), dropped);
        Files.writeString(dir.resolve("stats.json"), new ShardStats(shard, shards, kept.size(), dropped.size(), 1.5).toJson(json).toString());
    }
}
