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
    static final String OLD_ACCOUNT_KEY = "test-only-account-hmac-key";
    static final String NEW_ACCOUNT_KEY = "test-only-account-hmac-key-0002-rotated";

    public static class Rotated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("safeframe.provenance.watermark-key", OLD + "," + NEW,
                    "safeframe.provenance.account-hmac-key", OLD_ACCOUNT_KEY + "," + NEW_ACCOUNT_KEY);
        }
    }

    @GrpcClient("self")
    ProvenanceBlockingStub provenance;

    @Inject
    AssetRegistry registry;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    static AssetRegistry.Marking marking(String keyId) {
        return new AssetRegistry.Marking(keyId, 1, "0".repeat(64), null, null, null);
    }

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
                "1b2c3d4e5f607182", marking(old.keyId()), null, null)).await().indefinitely());

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

    @Test
    void accountRecordsUnderTheOldHmacKeyAreStillFoundAndNewOnesNameTheNewKey() {
        String account = "acct-hmac-" + UUID.randomUUID();
        // registered before the rotation, by a registry that had only the old account key
        AssetRegistry before = new AssetRegistry(pool, OLD_ACCOUNT_KEY);
        assertTrue(before.register(new AssetRegistry.NewAsset(UUID.randomUUID(), account, "synthetic", "1", null, "image/png",
                "2c3d4e5f60718293", marking("k"), null, null)).await().indefinitely());
        assertTrue(registry.register(new AssetRegistry.NewAsset(UUID.randomUUID(), account, "synthetic", "1", null, "image/png",
                "3d4e5f6071829304", marking("k"), null, null)).await().indefinitely());
        assertEquals(2L, registry.countByAccount(account).await().indefinitely(), "both key versions' records are the account's");
        assertEquals(0L, before.countByAccount(account + "-other").await().indefinitely());

        java.util.List<String> stored = new java.util.ArrayList<>();
        pool.preparedQuery("select account_hmac from asset where watermark_payload in ('2c3d4e5f60718293', '3d4e5f6071829304') order by watermark_payload")
                .execute().await().indefinitely().forEach(r -> stored.add(r.getString(0)));
        String oldId = io.safeframe.keyring.KeyRing.fingerprint(OLD_ACCOUNT_KEY.getBytes(StandardCharsets.UTF_8), 16);
        String newId = io.safeframe.keyring.KeyRing.fingerprint(NEW_ACCOUNT_KEY.getBytes(StandardCharsets.UTF_8), 16);
        assertTrue(stored.get(0).startsWith(oldId + ":"), stored.toString());
        assertTrue(stored.get(1).startsWith(newId + ":"), "the newest key makes new records: " + stored);
        assertTrue(stored.stream().noneMatch(v -> v.contains(account)), "the account id itself is never stored");
    }
}
