package io.safeframe.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.DetectRequest;
import io.safeframe.api.v1.ManifestQuery;
import io.safeframe.api.v1.ManifestRequest;
import io.safeframe.api.v1.ManifestStore;
import io.safeframe.api.v1.MarkRequest;
import io.safeframe.api.v1.MarkResponse;
import io.safeframe.api.v1.ProvenanceGrpc.ProvenanceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.VerifyRequest;
import io.safeframe.api.v1.VerifyResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/** Mark → registry → Verify over real gRPC and PostgreSQL, including a copy re-encoded by someone else. */
@QuarkusTest
class ProvenanceServiceTest {

    static final Path DIR = Path.of("target/provenance-grpc");

    @GrpcClient("self")
    ProvenanceBlockingStub provenance;

    @Inject
    Pool pool;

    @BeforeAll
    static void clip() throws Exception {
        Files.createDirectories(DIR);
        run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "3", "-c:v", "libx264",
                "-preset", "veryfast", "-pix_fmt", "yuv420p", DIR.resolve("clip.mp4").toString());
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(out);
        }
    }

    @Test
    void theRegistryKeepsLayoutVersionAndManifestStoreAndResolvesThemBySoftBinding() throws Exception {
        Path png = DIR.resolve("still.png");
        run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=480x270", "-frames:v", "1", png.toString());
        MarkResponse marked = provenance.mark(MarkRequest.newBuilder().setContext(RequestContext.newBuilder().setAccountId("sb-owner"))
                .setMedia(ByteString.copyFrom(Files.readAllBytes(png))).setMediaType("image/png").setModel("synthetic").build());
        var row = pool.preparedQuery("select watermark_layout, manifest_label from asset where asset_id = $1::uuid")
                .execute(Tuple.of(marked.getAssetId())).await().indefinitely().iterator().next();
        assertEquals(1, row.getInteger("watermark_layout"), "the layout version is recorded per asset");
        String label = row.getString("manifest_label");
        assertTrue(label.startsWith("urn:c2pa:"), label);

        var matches = provenance.findManifests(ManifestQuery.newBuilder().setPayload(marked.getWatermarkPayload()).setMaxResults(10).build());
        assertEquals(List.of(label), matches.getManifestIdList());
        ManifestStore store = provenance.getManifest(ManifestRequest.newBuilder().setManifestId(label).build());
        assertTrue(store.getFound());
        byte[] jumbf = store.getStore().toByteArray();
        assertEquals("jumb", new String(jumbf, 4, 4, java.nio.charset.StandardCharsets.US_ASCII), "a JUMBF manifest store");
        assertTrue(indexOf(marked.getMarkedMedia().toByteArray(), jumbf) >= 0, "the very store that was embedded in the published file");
        VerifyResponse verified = provenance.verify(VerifyRequest.newBuilder().setMedia(marked.getMarkedMedia()).setMediaType("image/png").build());
        assertEquals(1, verified.getAsset().getWatermarkLayout());

        assertEquals(0, provenance.findManifests(ManifestQuery.newBuilder().setPayload("00000000000000ff").setMaxResults(10).build())
                .getManifestIdCount(), "an unknown payload matches nothing");
        assertFalse(provenance.getManifest(ManifestRequest.newBuilder().setManifestId("urn:c2pa:00000000-0000-0000-0000-000000000000").build())
                .getFound());
        StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class,
                () -> provenance.findManifests(ManifestQuery.newBuilder().setPayload("not-hex").setMaxResults(10).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
        StatusRuntimeException tooMany = assertThrows(StatusRuntimeException.class, () -> provenance.findManifests(
                ManifestQuery.newBuilder().setPayload(marked.getWatermarkPayload()).setMaxResults(0).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooMany.getStatus().getCode());
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void markRegisterAndVerifyEvenAfterReencoding() throws Exception {
        byte[] clip = Files.readAllBytes(DIR.resolve("clip.mp4"));
        MarkResponse marked = provenance.mark(MarkRequest.newBuilder()
                .setContext(RequestContext.newBuilder().setAccountId("alice").setCorrelationId("c-1"))
                .setMedia(ByteString.copyFrom(clip)).setMediaType("video/mp4").setModel("synthetic").setModelVersion("1")
                .setPromptVerdictId("v-123").build());
        assertEquals(16, marked.getWatermarkPayload().length());
        assertFalse(marked.getMarkedMedia().isEmpty());
        var row = pool.preparedQuery("select account_hmac, model, prompt_verdict_id from asset where asset_id = $1::uuid")
                .execute(Tuple.of(marked.getAssetId())).await().indefinitely().iterator().next();
        assertTrue(row.getString("account_hmac").matches("[0-9a-f]{16}:[0-9a-f]{64}"), "KEYID:HMAC " + row.getString("account_hmac"));
        assertFalse(row.getString("account_hmac").contains("alice"), "the account is stored only as an HMAC");
        assertEquals("v-123", row.getString("prompt_verdict_id"));
        assertEquals(64, marked.getManifestSha256().length());

        // Mark is idempotent by request id: the same job marked twice is one asset with one payload
        MarkRequest once = MarkRequest.newBuilder().setContext(RequestContext.newBuilder().setAccountId("alice").setCorrelationId("c-2"))
                .setMedia(ByteString.copyFrom(clip)).setMediaType("video/mp4").setModel("synthetic").setModelVersion("1")
                .setRequestId("generation:job-42").build();
        MarkResponse first = provenance.mark(once);
        MarkResponse again = provenance.mark(once);
        assertEquals(first.getAssetId(), again.getAssetId());
        assertEquals(first.getWatermarkPayload(), again.getWatermarkPayload());
        assertEquals(1L, pool.preparedQuery("select count(*) from asset where request_id = $1").execute(Tuple.of("generation:job-42"))
                .await().indefinitely().iterator().next().getLong(0));
        assertEquals(again.getManifestSha256(), pool.preparedQuery("select manifest_sha256 from asset where request_id = $1")
                .execute(Tuple.of("generation:job-42")).await().indefinitely().iterator().next().getString(0), "the record follows the last bytes");

        // the marked clip as published: manifest attached and valid, mark present
        VerifyResponse original = provenance.verify(VerifyRequest.newBuilder().setMedia(marked.getMarkedMedia()).setMediaType("video/mp4").build());
        assertTrue(original.getManifestPresent());
        assertTrue(original.getManifestValid(), original.getManifestProblemsList().toString());
        assertEquals(marked.getAssetId(), original.getAsset().getAssetId());

        // a journalist found a re-encoded copy elsewhere (manifest gone): the mark leads back to the record
        Files.write(DIR.resolve("marked.mp4"), marked.getMarkedMedia().toByteArray());
        run("ffmpeg", "-loglevel", "error", "-y", "-i", DIR.resolve("marked.mp4").toString(), "-vf", "scale=480:270", "-c:v", "libx264",
                "-crf", "28", "-preset", "veryfast", DIR.resolve("copy.mp4").toString());
        VerifyResponse verified = provenance.verify(VerifyRequest.newBuilder()
                .setMedia(ByteString.copyFrom(Files.readAllBytes(DIR.resolve("copy.mp4")))).build());
        assertTrue(verified.getWatermark().getDetected());
        assertEquals(marked.getWatermarkPayload(), verified.getWatermark().getPayload());
        assertEquals(marked.getAssetId(), verified.getAsset().getAssetId());
        assertEquals("synthetic", verified.getAsset().getModel());
        assertFalse(verified.getManifestPresent(), "re-encoding drops the manifest; the watermark stays");

        // a zoomed re-post (centred 10 % crop, rescaled, re-encoded) is found again by the crop resynchronisation
        run("ffmpeg", "-loglevel", "error", "-y", "-i", DIR.resolve("marked.mp4").toString(), "-vf", "crop=iw*0.9:ih*0.9,scale=640:360",
                "-c:v", "libx264", "-crf", "23", "-preset", "veryfast", DIR.resolve("zoomed.mp4").toString());
        VerifyResponse zoomed = provenance.verify(VerifyRequest.newBuilder()
                .setMedia(ByteString.copyFrom(Files.readAllBytes(DIR.resolve("zoomed.mp4")))).build());
        assertTrue(zoomed.getWatermark().getDetected());
        assertEquals(marked.getWatermarkPayload(), zoomed.getWatermark().getPayload());

        VerifyResponse unmarked = provenance.verify(VerifyRequest.newBuilder().setMedia(ByteString.copyFrom(clip)).build());
        assertFalse(unmarked.getWatermark().getDetected());
        assertFalse(unmarked.hasAsset());
    }

    @Test
    void badMediaIsAClearErrorAndNothingIsRegistered() {
        long before = pool.query("select count(*) from asset").execute().await().indefinitely().iterator().next().getLong(0);
        StatusRuntimeException garbage = assertThrows(StatusRuntimeException.class, () -> provenance.mark(MarkRequest.newBuilder()
                .setContext(RequestContext.newBuilder().setAccountId("bob")).setModel("m").setMediaType("video/mp4")
                .setMedia(ByteString.copyFromUtf8("not a video")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, garbage.getStatus().getCode());
        assertThrows(StatusRuntimeException.class, () -> provenance.mark(MarkRequest.newBuilder()
                .setContext(RequestContext.newBuilder().setAccountId("bob")).setModel("m").setMediaType("image/gif")
                .setMedia(ByteString.copyFromUtf8("GIF89a")).build()));
        byte[] clip;
        try {
            clip = Files.readAllBytes(DIR.resolve("clip.mp4"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        StatusRuntimeException truncated = assertThrows(StatusRuntimeException.class, () -> provenance.detect(DetectRequest.newBuilder()
                .setMedia(ByteString.copyFrom(Arrays.copyOf(clip, clip.length / 2))).build()));
        assertTrue(truncated.getStatus().getDescription().contains("truncated"), truncated.getStatus().getDescription());
        long after = pool.query("select count(*) from asset").execute().await().indefinitely().iterator().next().getLong(0);
        assertEquals(before, after);
    }
}
