package io.safeframe.curation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.safeframe.api.v1.FrameClassifierGrpc;
import io.safeframe.api.v1.MatchHashRequest;
import io.safeframe.api.v1.ProvenanceGrpc;
import io.safeframe.identity.ca.LocalCa;
import io.safeframe.testing.FramesServiceProcess;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PackagedService;
import io.safeframe.testing.ProvenanceServiceProcess;
import io.safeframe.testing.TestIdentities;
import io.safeframe.testing.VerifyServiceProcess;

/**
 * The curation job end to end against real prompt-guard, frame-classifier, provenance and verify-service processes
 * (mutual TLS, the production allow-lists), on a generated dataset whose every line has a known answer. The same
 * manifest is curated as 1 shard and as 4 shard processes; the merged files must be byte-identical.
 */
class CurationTest {

    static final Path WORK = Path.of("target/curation-it").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<PackagedService> STARTED = new ArrayList<>();
    static SyntheticDataset dataset;

    static GuardServiceProcess guard = new GuardServiceProcess();
    static FramesServiceProcess frames = new FramesServiceProcess();
    static ProvenanceServiceProcess provenance = new ProvenanceServiceProcess();
    static VerifyServiceProcess verify = new VerifyServiceProcess();

    @BeforeAll
    static void startServicesAndGenerate() throws Exception {
        TestIdentities.ensure();
        new LocalCa(TestIdentities.dir()).ensure(List.of("curation"));
        for (PackagedService s : List.of(guard, frames, provenance, verify)) {
            s.start();
            STARTED.add(s);
        }
        Curator.deleteTree(WORK);
        ManagedChannel asGatewayToProvenance = IdentityChannels.as("gateway-service", provenance.tlsPort());
        ManagedChannel asGatewayToFrames = IdentityChannels.as("gateway-service", frames.tlsPort());
        try {
            dataset = new SyntheticDataset(WORK.resolve("dataset"), ProvenanceGrpc.newBlockingStub(asGatewayToProvenance),
                    FrameClassifierGrpc.newBlockingStub(asGatewayToFrames)).generate(Integer.getInteger("curation.units", 1));
        } finally {
            asGatewayToProvenance.shutdownNow();
            asGatewayToFrames.shutdownNow();
        }
    }

    @AfterAll
    static void stopServices() {
        STARTED.forEach(PackagedService::stop);
    }

    static String[] args(String command, Path out, int shards, String identity) {
        return new String[] { command, "--manifest", dataset.manifest.toString(), "--out", out.toString(), "--shards", Integer.toString(shards),
            "--guard", "127.0.0.1:" + guard.tlsPort(), "--frames", "127.0.0.1:" + frames.tlsPort(), "--verify",
            "127.0.0.1:" + verify.tlsPort(), "--identity", TestIdentities.of(identity).toString() };
    }

    @Test
    void keepsAndDropsWithTheRightReasonsAndShardingChangesNothing() throws Exception {
        Path one = WORK.resolve("out-1");
        Path four = WORK.resolve("out-4");
        assertEquals(0, CurateCli.run(args("run", one, 1, "curation")), "1 shard");
        // frame-classifier caches verdicts by content and bank generation: a new bank makes the second run classify again
        emptyBankBumpingTheGeneration("cache-buster");
        assertEquals(0, CurateCli.run(args("run", four, 4, "curation")), "4 shard processes");

        for (String file : List.of("kept.jsonl", "dropped.jsonl", "summary.json")) {
            assertArrayEquals(Files.readAllBytes(one.resolve(file)), Files.readAllBytes(four.resolve(file)), file + " differs between 1 and 4 shards");
        }

        // every line's outcome is the one it was generated for
        Map<Long, Set<String>> actual = new TreeMap<>();
        Map<Long, JsonNode> droppedLines = new TreeMap<>();
        for (String line : Files.readAllLines(one.resolve("dropped.jsonl"))) {
            JsonNode d = JSON.readTree(line);
            Set<String> codes = new TreeSet<>();
            d.get("reasons").forEach(r -> codes.add(r.get("reason").asText()));
            actual.put(d.get("line").asLong(), codes);
            droppedLines.put(d.get("line").asLong(), d);
        }
        List<String> keptIds = new ArrayList<>();
        for (String line : Files.readAllLines(one.resolve("kept.jsonl"))) {
            keptIds.add(JSON.readTree(line).get("id").asText());
        }
        List<String> mismatches = new ArrayList<>();
        List<String> expectedKept = new ArrayList<>();
        dataset.expected.forEach((number, codes) -> {
            Set<String> got = actual.getOrDefault(number, Set.of());
            if (!got.equals(codes)) {
                mismatches.add("line " + number + " (" + dataset.ids.get(number) + "): expected " + codes + ", got " + got);
            }
            if (codes.isEmpty()) {
                expectedKept.add(dataset.ids.get(number));
            }
        });
        assertEquals(List.of(), mismatches);
        assertEquals(expectedKept.stream().sorted().toList(), keptIds, "kept.jsonl: the kept lines' objects, sorted by id");

        // the watermark found is the one provenance-service made, with its registry record
        dataset.ids.forEach((number, id) -> {
            SyntheticDataset.Mark mark = id == null ? null : dataset.marks.get(id);
            if (mark != null) {
                JsonNode wm = reason(droppedLines.get(number), "watermark");
                assertEquals(mark.payload(), wm.get("payload").asText(), id);
                assertEquals(mark.assetId(), wm.get("assetId").asText(), id);
            }
            if (id != null && id.contains("image-ours-") && !id.contains("reencoded")) {
                JsonNode c2pa = reason(droppedLines.get(number), "c2pa");
                assertTrue(c2pa.get("valid").asBoolean() && c2pa.get("trusted").asBoolean(), id + ": our own manifest is valid and trusted");
            }
            if (id != null && id.contains("foreign-c2pa")) {
                assertFalse(reason(droppedLines.get(number), "c2pa").get("trusted").asBoolean(), id);
            }
            if (id != null && id.contains("image-banked")) {
                assertEquals(SyntheticDataset.BANK, reason(droppedLines.get(number), "bank_match").get("bank").asText(), id);
            }
        });

        JsonNode summary = JSON.readTree(one.resolve("summary.json").toFile());
        assertEquals(dataset.items(), summary.get("items").asLong());
        assertEquals(dataset.expectedKept(), summary.get("kept").asLong());
        Map<String, Integer> byReason = new TreeMap<>();
        dataset.expected.values().forEach(codes -> codes.forEach(c -> byReason.merge(c, 1, Integer::sum)));
        assertEquals(byReason.toString(), new TreeMap<>(JSON.convertValue(summary.get("droppedItemsByReason"), Map.class)).toString());

        JsonNode shards = JSON.readTree(four.resolve("shards.json").toFile()).get("shards");
        assertEquals(4, shards.size());
        long total = 0;
        for (JsonNode s : shards) {
            total += s.get("items").asLong();
        }
        assertEquals(dataset.items(), total, "every line in exactly one shard");
        System.out.printf("curation: %d items (%d texts, %d images, %d clips), %d kept; by reason %s; shards %s%n", dataset.items(),
                dataset.texts, dataset.images, dataset.clips, dataset.expectedKept(), byReason, shards);
    }

    private static void emptyBankBumpingTheGeneration(String name) {
        ManagedChannel asGateway = IdentityChannels.as("gateway-service", frames.tlsPort());
        try {
            FrameClassifierGrpc.newBlockingStub(asGateway).createBank(io.safeframe.api.v1.CreateBankRequest.newBuilder()
                    .setContext(io.safeframe.api.v1.RequestContext.newBuilder().setActor("gateway-service").setCorrelationId("curation-test"))
                    .setBank(io.safeframe.api.v1.Bank.newBuilder().setName(name).setCategory("none").setDecision(io.safeframe.api.v1.Decision.REVIEW))
                    .build());
        } finally {
            asGateway.shutdownNow();
        }
    }

    private static JsonNode reason(JsonNode dropped, String code) {
        for (JsonNode r : dropped.get("reasons")) {
            if (r.get("reason").asText().equals(code)) {
                return r;
            }
        }
        throw new AssertionError("no " + code + " reason in " + dropped);
    }

    @Test
    void anotherServicesIdentityIsRefusedAndNothingIsWritten() throws Exception {
        Path out = WORK.resolve("out-wrong-identity");
        // report-service's certificate is valid, but no checking service lists it for these RPCs
        assertEquals(2, CurateCli.run(args("shard", out, 1, "report-service")));
        assertFalse(Files.exists(Curator.partDir(out, 0, 1)), "no part written by a refused run");
        assertEquals(1, CurateCli.run(new String[] { "merge", "--out", out.toString(), "--shards", "1" }), "merge refuses a missing part");
    }

    @Test
    void theCurationIdentityGetsOnlyTheRpcsItNeeds() {
        ManagedChannel asCuration = IdentityChannels.as("curation", frames.tlsPort());
        try {
            StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> FrameClassifierGrpc.newBlockingStub(asCuration).matchHash(MatchHashRequest.newBuilder()
                            .setContext(Services.context("curation-test")).setHash("0".repeat(64)).build()));
            assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        } finally {
            asCuration.shutdownNow();
        }
    }
}
