package io.safeframe.curation;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Joins the N parts of a run into {@code kept.jsonl} (the kept lines' objects, a manifest again), {@code dropped.jsonl}
 * (id, line, reasons) and {@code summary.json} (counts by reason), each sorted by id then line number, so that 1 shard
 * and N shards give byte-identical files. Per-shard counts and throughput go to {@code shards.json}. Refuses to merge
 * while any part is missing.
 */
public final class Merge {

    private final ObjectMapper json = new ObjectMapper();

    public record Result(int kept, int dropped, Map<String, Integer> byReason, List<ShardStats> shards) {
    }

    private record Row(String key, long line, String text) {
    }

    public Result merge(Path out, int shards) throws IOException {
        List<Path> parts = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            Path part = Curator.partDir(out, i, shards);
            if (!Files.isRegularFile(part.resolve("stats.json"))) {
                throw new IOException("shard " + i + " of " + shards + " has not finished (" + part + " missing): run it, then merge");
            }
            parts.add(part);
        }
        List<Row> kept = new ArrayList<>();
        List<Row> dropped = new ArrayList<>();
        Map<String, Integer> byReason = new TreeMap<>();
        List<ShardStats> stats = new ArrayList<>();
        for (Path part : parts) {
            for (String line : Files.readAllLines(part.resolve("kept.jsonl"))) {
                JsonNode r = json.readTree(line);
                kept.add(new Row(r.get("key").asText(), r.get("line").asLong(), json.writeValueAsString(r.get("item"))));
            }
            for (String line : Files.readAllLines(part.resolve("dropped.jsonl"))) {
                JsonNode r = json.readTree(line);
                JsonNode d = r.get("dropped");
                for (JsonNode reason : d.get("reasons")) {
                    byReason.merge(reason.get("reason").asText(), 1, Integer::sum);
                }
                dropped.add(new Row(r.get("key").asText(), r.get("line").asLong(), json.writeValueAsString(d)));
            }
            stats.add(ShardStats.fromJson(json.readTree(part.resolve("stats.json").toFile())));
        }
        Comparator<Row> order = Comparator.comparing(Row::key).thenComparingLong(Row::line);
        write(out.resolve("kept.jsonl"), kept.stream().sorted(order).toList());
        write(out.resolve("dropped.jsonl"), dropped.stream().sorted(order).toList());
        ObjectNode summary = json.createObjectNode();
        summary.put("items", kept.size() + dropped.size());
        summary.put("kept", kept.size());
        summary.put("dropped", dropped.size());
        ObjectNode reasons = summary.putObject("droppedItemsByReason");
        byReason.forEach(reasons::put);
        writeString(out.resolve("summary.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
        ObjectNode shardsOut = json.createObjectNode();
        ArrayNode list = shardsOut.putArray("shards");
        stats.forEach(s -> list.add(s.toJson(json)));
        writeString(out.resolve("shards.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(shardsOut) + "\n");
        return new Result(kept.size(), dropped.size(), byReason, stats);
    }

    /** Beside the target, then renamed over it: two pods merging at once each leave whole (and equal) files. */
    private static void write(Path file, List<Row> rows) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".merging");
        try (BufferedWriter w = Files.newBufferedWriter(temp)) {
            for (Row r : rows) {
                w.write(r.text());
                w.write('\n');
            }
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeString(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".merging");
        Files.writeString(temp, text);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether all N parts are there (the Indexed Job's last pod merges). */
    public static boolean complete(Path out, int shards) {
        for (int i = 0; i < shards; i++) {
            if (!Files.isRegularFile(Curator.partDir(out, i, shards).resolve("stats.json"))) {
                return false;
            }
        }
        return true;
    }
}
