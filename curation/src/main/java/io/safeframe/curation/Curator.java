package io.safeframe.curation;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.FrameFinding;
import io.safeframe.api.v1.ScreenResponse;
import io.safeframe.api.v1.Verdict;
import io.safeframe.api.v1.VerifyResponse;

/**
 * One shard of a curation run: reads the whole manifest, takes the lines whose key falls in this shard
 * ({@link Sharding}), checks them and writes {@code parts/SHARD-of-N/{kept,dropped}.jsonl} plus {@code stats.json}.
 * The part appears under its final name only when complete (written beside it, then renamed), so a merge never reads
 * half a shard and a retried pod simply writes it again.
 */
public final class Curator {

    static final int MAX_LINE_CHARS = 1 << 20;
    private static final int CHUNK = Services.SCREEN_BATCH;

    /** a line is one JSON value: anything after it makes the line malformed, not silently ignored */
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final CurationSettings settings;

    public Curator(CurationSettings settings) {
        this.settings = settings;
    }

    public static Path partDir(Path out, int shard, int shards) {
        return out.resolve("parts").resolve(shard + "-of-" + shards);
    }

    /** @return the shard's statistics (also written to stats.json) */
    public ShardStats run(Path manifest, Path out, int shard, int shards) throws IOException {
        if (shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + " is not in 0.." + (shards - 1));
        }
        long started = System.nanoTime();
        Path part = partDir(out, shard, shards);
        Path building = part.resolveSibling(part.getFileName() + ".building");
        deleteTree(building);
        Files.createDirectories(building);
        int kept = 0;
        int dropped = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.parallel()));
        try (Services services = new Services(settings);
                ObjectStore objects = ObjectStore.from(settings);
                // Files.newBufferedReader reports malformed UTF-8 instead of replacing it
                BufferedReader in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8);
                BufferedWriter keptOut = Files.newBufferedWriter(building.resolve("kept.jsonl"));
                BufferedWriter droppedOut = Files.newBufferedWriter(building.resolve("dropped.jsonl"))) {
            MediaSource media = new MediaSource(manifest.toAbsolutePath().getParent(), settings.maxMediaBytes(), objects);
            List<ManifestLine> chunk = new ArrayList<>();
            long number = 0;
            for (String raw = readLine(in); raw != null; raw = readLine(in)) {
                number++;
                if (raw.isBlank()) {
                    continue;
                }
                ManifestLine line = raw.length() > MAX_LINE_CHARS ? new ManifestLine.Unreadable(number, null, "line longer than " + MAX_LINE_CHARS)
                        : ManifestLine.parse(json, number, raw);
                if (Sharding.shardOf(line.key(), shards) != shard) {
                    continue;
                }
                chunk.add(line);
                if (chunk.size() == CHUNK) {
                    for (Outcome o : check(chunk, services, media, pool)) {
                        if (o.kept()) { kept++; } else { dropped++; }
                        (o.kept() ? keptOut : droppedOut).write(json.writeValueAsString(o.toPartRecord(json)) + "\n");
                    }
                    chunk.clear();
                }
            }
            for (Outcome o : check(chunk, services, media, pool)) {
                if (o.kept()) { kept++; } else { dropped++; }
                (o.kept() ? keptOut : droppedOut).write(json.writeValueAsString(o.toPartRecord(json)) + "\n");
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(building); // nothing half written: the part is whole or absent
            throw e;
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        ShardStats stats = new ShardStats(shard, shards, kept, dropped, seconds);
        Files.writeString(building.resolve("stats.json"), json.writeValueAsString(stats.toJson(json)) + "\n");
        deleteTree(part);
        Files.move(building, part, StandardCopyOption.ATOMIC_MOVE);
        return stats;
    }

    /** A manifest that is not UTF-8 stops at the bad byte: the rest cannot be told apart into lines reliably. */
    private static String readLine(BufferedReader in) throws IOException {
        try {
            return in.readLine();
        } catch (CharacterCodingException e) {
            throw new IOException("the manifest is not UTF-8 text", e);
        }
    }

    private List<Outcome> check(List<ManifestLine> chunk, Services services, MediaSource media, ExecutorService pool) throws IOException {
        List<Item> items = new ArrayList<>();
        List<Outcome> out = new ArrayList<>();
        for (ManifestLine line : chunk) {
            if (line instanceof ManifestLine.Item item) {
                items.add(new Item(item, new ArrayList<>()));
            } else {
                out.add(new Outcome(line, List.of(Reason.of(Reason.Code.unreadable, "problem", ((ManifestLine.Unreadable) line).problem()))));
            }
        }
        screenTexts(items, services);
        List<Future<?>> running = new ArrayList<>();
        for (Item item : items) {
            if (item.line.media() != null) {
                running.add(pool.submit(() -> checkMedia(item, services, media)));
            }
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r; // Misconfigured: stop the run
                }
                throw new IOException(e.getCause());
            }
        }
        for (Item item : items) {
            out.add(new Outcome(item.line, item.reasons));
        }
        out.sort(Comparator.comparingLong(o -> o.line().line()));
        return out;
    }

    private record Item(ManifestLine.Item line, List<Reason> reasons) {
        synchronized void add(Reason r) {
            reasons.add(r);
        }
    }

    private void screenTexts(List<Item> items, Services services) {
        List<Item> withText = items.stream().filter(i -> i.line.text() != null).toList();
        if (withText.isEmpty()) {
            return;
        }
        try {
            List<ScreenResponse> verdicts = services.screen(withText.stream().map(i -> i.line.text()).toList(),
                    "curation:" + withText.get(0).line.id());
            for (int i = 0; i < withText.size(); i++) {
                judgeText(withText.get(i), verdicts.get(i).getVerdict());
            }
        } catch (Services.Refused e) {
            if (withText.size() == 1) {
                withText.get(0).add(Reason.of(Reason.Code.unreadable, "problem", "prompt-guard refused the text", "status", e.code.name()));
            } else {
                // one text the guard refuses must not take the rest of the batch with it: ask one by one
                withText.forEach(i -> screenTexts(List.of(i), services));
            }
        } catch (Services.Unavailable e) {
            withText.forEach(i -> i.add(Reason.of(Reason.Code.unchecked, "service", "prompt-guard", "status", e.code.name())));
        }
    }

    private static void judgeText(Item item, Verdict v) {
        if (v.getDecision() != Decision.ALLOW) {
            item.add(Reason.of(Reason.Code.unsafe_text, "decision", v.getDecision().name(), "category", topCategory(v), "rule", v.getRuleId()));
        }
    }

    private void checkMedia(Item item, Services services, MediaSource source) {
        byte[] bytes;
        try {
            bytes = source.read(item.line.media());
        } catch (MediaSource.Unavailable e) {
            item.add(Reason.of(Reason.Code.unreadable, "problem", e.getMessage()));
            return;
        }
        try {
            ClassifyVideoResponse r = services.classify(bytes, item.line.id());
            FrameFinding bank = r.getFramesList().stream().filter(f -> !f.getMatchedBank().isEmpty())
                    .min(Comparator.comparingInt(FrameFinding::getHammingDistance)).orElse(null);
            if (bank != null) {
                item.add(Reason.of(Reason.Code.bank_match, "bank", bank.getMatchedBank(), "distance", bank.getHammingDistance(),
                        "decision", r.getVerdict().getDecision().name()));
            } else if (r.getVerdict().getDecision() != Decision.ALLOW) {
                item.add(Reason.of(Reason.Code.unsafe_media, "decision", r.getVerdict().getDecision().name(), "category", topCategory(r.getVerdict()),
                        "rule", r.getVerdict().getRuleId()));
            }
        } catch (Services.Refused e) {
            item.add(Reason.of(Reason.Code.unreadable, "problem", "frame-classifier could not decode the media", "status", e.code.name()));
            return; // a file the decoder refuses is not worth asking anyone else about
        } catch (Services.Unavailable e) {
            item.add(Reason.of(Reason.Code.unchecked, "service", "frame-classifier", "status", e.code.name()));
        }
        try {
            VerifyResponse v = services.provenance(bytes);
            if (v.getWatermark().getDetected()) {
                item.add(Reason.of(Reason.Code.watermark, "payload", v.getWatermark().getPayload(), "keyId", v.getWatermark().getKeyId(),
                        "assetId", v.hasAsset() ? v.getAsset().getAssetId() : null));
            }
            if (v.getManifestPresent()) {
                item.add(Reason.of(Reason.Code.c2pa, "valid", v.getManifestValid(), "trusted", v.getManifestTrusted(),
                        "signer", v.getManifestSigner().isEmpty() ? null : v.getManifestSigner()));
            }
        } catch (Services.Refused e) {
            item.add(Reason.of(Reason.Code.unreadable, "problem", "verify-service could not read the media", "status", e.code.name()));
        } catch (Services.Unavailable e) {
            item.add(Reason.of(Reason.Code.unchecked, "service", "verify", "status", e.code.name()));
        }
        if (AiSourceMetadata.declaresTrainedAlgorithmicMedia(bytes)) {
            item.add(Reason.of(Reason.Code.iptc_ai, "digitalSourceType", "trainedAlgorithmicMedia"));
        }
    }

    /** The verdict's highest-scoring category (ties: the first listed), or "" when it lists none. */
    static String topCategory(Verdict v) {
        return v.getCategoriesList().stream().reduce((a, b) -> b.getScore() > a.getScore() ? b : a).map(c -> c.getCategory()).orElse("");
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
