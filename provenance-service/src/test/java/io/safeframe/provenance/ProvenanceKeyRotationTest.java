package io.safeframe.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.safeframe.api.v1.MarkRequest;
import io.safeframe.api.v1.MarkResponse;
import io.safeframe.api.v1.ProvenanceGrpc.ProvenanceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.VerifyRequest;
import io.safeframe.api.v1.VerifyResponse;
import io.safeframe.provenance.registry.AssetRegistry;
import io.safeframe.provenance.watermark.MediaMarker;
import io.safeframe.provenance.watermark.WatermarkKey;
import io.safeframe.provenance.watermark.Watermarker;
import jakarta.inject.Inject;

/**
 * The service after a watermark key rotation (its key is the ring "old,new"): an image marked and registered
 * under the old key still verifies to its record, named by the old key id; new marks carry the new id.
 */
@QuarkusTest
@TestProfile(ProvenanceKeyRotationTest.Rotated.class)
class ProvenanceKeyRotationTest {

    static final String OLD = "test-only-watermark-key-0001";
    static final String NEW = "test-only-watermark-key-0002-rotated";
    static final Path DIR = Path.of("target/provenance-rotation");

    public static class Rotated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("safeframe.provenance.watermark-key", OLD + "," + NEW);
        }
    }

    @GrpcClient("self")
    ProvenanceBlockingStub provenance;

    @Inject
    AssetRegistry registry;

    private VerifyResponse verify(byte[] media) {
        return provenance.verify(VerifyRequest.newBuilder().setMedia(ByteString.copyFrom(media)).setMediaType("image/png").build());
    }

    @Test
    void oldMarksStillLeadToTheirRecordAndNewMarksUseTheNewKey() throws Exception {
        Files.createDirectories(DIR);
        Path in = DIR.resolve("in.png");
        ProvenanceServiceTest.run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360", "-frames:v", "1",
                in.toString());
        // marked before the rotation, when the service had only the old key (as it did then: watermark, then register)
        WatermarkKey old = new WatermarkKey(OLD.getBytes(StandardCharsets.UTF_8));
        Path oldMarked = DIR.resolve("old-marked.png");
        new MediaMarker(new Watermarker(old)).mark(in, oldMarked, java.util.HexFormat.of().parseHex("1b2c3d4e5f607182"));
        UUID oldAsset = UUID.randomUUID();
        assertTrue(registry.register(new AssetRegistry.NewAsset(oldAsset, "acct-old", "synthetic", "1", null, "image/png",
                "1b2c3d4e5f607182", old.keyId(), "0".repeat(64), null, null, null)).await().indefinitely());

        VerifyResponse before = verify(Files.readAllBytes(oldMarked));
        assertTrue(before.getWatermark().getDetected());
        assertEquals(old.keyId(), before.getWatermark().getKeyId(), "the old version found the mark");
        assertEquals(oldAsset.toString(), before.getAsset().getAssetId());
        assertEquals(old.keyId(), before.getAsset().getKeyId());

        MarkResponse marked = provenance.mark(MarkRequest.newBuilder().setContext(RequestContext.newBuilder().setAccountId("acct-new"))
                .setMedia(ByteString.copyFrom(Files.readAllBytes(in))).setMediaType("image/png").setModel("synthetic").build());
        String newId = new WatermarkKey(NEW.getBytes(StandardCharsets.UTF_8)).keyId();
        assertEquals(newId, marked.getKeyId(), "the newest version marks");
        assertNotEquals(old.keyId(), newId);
        VerifyResponse after = verify(marked.getMarkedMedia().toByteArray());
        assertEquals(newId, after.getWatermark().getKeyId());
        assertEquals(marked.getAssetId(), after.getAsset().getAssetId());
        assertEquals(newId, after.getAsset().getKeyId());

        // the registry lookup is keyed: a payload read under one key version never leads to a record of another
        assertNull(registry.byPayload("1b2c3d4e5f607182", newId).await().indefinitely());
    }
}
