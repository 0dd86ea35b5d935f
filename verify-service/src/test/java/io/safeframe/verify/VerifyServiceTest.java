package io.safeframe.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.PublicVerifyGrpc;
import io.safeframe.api.v1.UploadChunk;
import io.safeframe.api.v1.VerifyResponse;
import io.safeframe.provenance.manifest.C2paEmbedder;
import io.safeframe.provenance.manifest.ClaimSigner;
import io.safeframe.provenance.manifest.TestChains;
import io.safeframe.provenance.watermark.WatermarkRing;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.ProvenanceServiceProcess;

/**
 * verify-service over real gRPC with mutual TLS, as the gateway calls it, with the real provenance-service process
 * behind it for the registry: manifests trusted only through the configured anchor, the watermark read from a
 * chunked upload, hostile and oversized uploads refused, nothing left in the spool, callers without the right
 * identity refused.
 */
@QuarkusTest
@QuarkusTestResource(TestTrustAnchor.class)
@QuarkusTestResource(ProvenanceServiceProcess.class)
class VerifyServiceTest {

    private static final int TLS_PORT = 9487;
    private static final String WATERMARK_KEY = "test-only-watermark-key-0001";

    private static ManagedChannel asGateway;
    private static byte[] png;

    @BeforeAll
    static void setUp() throws Exception {
        asGateway = IdentityChannels.as("gateway-service", TLS_PORT);
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 320; x++) {
                image.setRGB(x, y, ((x * 3) & 0xff) << 16 | ((y * 5) & 0xff) << 8 | ((x + y) & 0xff));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        png = out.toByteArray();
    }

    @AfterAll
    static void tearDown() {
        asGateway.shutdownNow();
    }

    static VerifyResponse upload(ManagedChannel channel, byte[] data, int chunk) throws Exception {
        CompletableFuture<VerifyResponse> answer = new CompletableFuture<>();
        StreamObserver<UploadChunk> out = PublicVerifyGrpc.newStub(channel).verifyUpload(new StreamObserver<>() {
            private VerifyResponse last;

            @Override
            public void onNext(VerifyResponse value) {
                last = value;
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.complete(last);
            }
        });
        for (int at = 0; at < data.length; at += chunk) {
            out.onNext(UploadChunk.newBuilder().setData(ByteString.copyFrom(data, at, Math.min(chunk, data.length - at))).build());
        }
        out.onCompleted();
        try {
            return answer.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static Status.Code refusal(ManagedChannel channel, byte[] data, int chunk) {
        Exception e = assertThrows(Exception.class, () -> upload(channel, data, chunk));
        return assertInstanceOf(StatusRuntimeException.class, e, e.toString()).getStatus().getCode();
    }

    private static byte[] signed(ClaimSigner signer) {
        return new C2paEmbedder(signer).sign(png, "image/png", "test", "1", "0011223344556677").media();
    }

    @Test
    void aManifestIsTrustedOnlyWhenItsChainLeadsToTheAnchor() throws Exception {
        TestChains.Signer anchored = TestChains.issuedBy(TestTrustAnchor.root, KeyPurposeId.id_kp_emailProtection,
                KeyPurposeId.getInstance(new ASN1ObjectIdentifier("1.3.6.1.5.5.7.3.36")));
        VerifyResponse ours = upload(asGateway, signed(anchored), 4096);
        assertTrue(ours.getManifestPresent() && ours.getManifestValid() && ours.getManifestSignatureValid(), ours.toString());
        assertTrue(ours.getManifestTrusted(), ours.toString());

        // anyone can make a certificate that signs itself: the signature checks out, the signer is not trusted
        VerifyResponse forged = upload(asGateway, signed(TestChains.selfSigned()), 4096);
        assertTrue(forged.getManifestSignatureValid(), forged.toString());
        assertFalse(forged.getManifestTrusted(), forged.toString());
        assertTrue(forged.getManifestSigner().contains("looks official"), forged.getManifestSigner());

        VerifyResponse plain = upload(asGateway, png, 1 << 20);
        String metrics = io.restassured.RestAssured.given().port(org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class)).get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("safeframe_verify_answers_total{asset=\"none\",manifest=\"untrusted\",watermark=\"absent\"}"),
                metrics.lines().filter(l -> l.startsWith("safeframe_verify")).toList().toString());
        assertFalse(plain.getManifestPresent());
        assertFalse(plain.getWatermark().getDetected());
        assertFalse(plain.hasAsset());
    }

    @Test
    void aWatermarkIsReadFromAChunkedUploadAndAnUnregisteredPayloadLeadsToNoAsset() throws Exception {
        Path in = Files.createTempFile("verify-test-", ".png");
        Path out = Files.createTempFile("verify-test-marked-", ".png");
        try {
            Files.write(in, png);
            byte[] payload = HexFormat.of().parseHex("1a2b3c4d5e6f7081");
            WatermarkRing.parse(WATERMARK_KEY).marker().mark(in, out, payload);
            VerifyResponse r = upload(asGateway, Files.readAllBytes(out), 1000);
            assertTrue(r.getWatermark().getDetected(), r.toString());
            assertEquals("1a2b3c4d5e6f7081", r.getWatermark().getPayload());
            assertFalse(r.getWatermark().getKeyId().isEmpty());
            // the registry (provenance-service, real process) has no such asset: no record, and no error
            assertFalse(r.hasAsset(), r.toString());
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    @Test
    void hostileAndOversizedUploadsAreRefusedAndNothingStaysInTheSpool() throws Exception {
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(asGateway, "#EXTM3U\n#EXT-X-TARGETDURATION:1\nhttp://169.254.169.254/\n".getBytes(), 64));
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(asGateway, new byte[0], 1));
        // an MP4 whose header promises more than is there
        byte[] truncated = ByteBuffer.allocate(64).putInt(64).put("ftypisom".getBytes()).putInt(0x200).put("isomiso2mp41".getBytes())
                .putInt(1 << 30).put("mdat".getBytes()).array();
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(asGateway, truncated, 16));
        // one byte over the limit (64 MiB) is refused, however it is chunked
        byte[] big = new byte[(64 << 20) + 1];
        System.arraycopy(png, 0, big, 0, png.length);
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(asGateway, big, 1 << 20));
        // a chunk above 1 MiB is refused
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(asGateway, Arrays.copyOf(png, (1 << 20) + 1), (1 << 20) + 1));
        try (Stream<Path> left = Files.list(Path.of("target/spool"))) {
            assertEquals(0, left.count(), "every spool file is deleted, whatever the outcome");
        }
        String metrics = io.restassured.RestAssured.given().port(org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class)).get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("safeframe_verify_refused_total{code=\"INVALID_ARGUMENT\"}"), "refusals are counted");
    }

    @Test
    void onlyTheGatewayMayCall() throws Exception {
        ManagedChannel provenance = IdentityChannels.as("provenance-service", TLS_PORT);
        ManagedChannel anonymous = IdentityChannels.withoutCertificate(TLS_PORT);
        try {
            assertEquals(Status.Code.PERMISSION_DENIED, refusal(provenance, png, 4096));
            assertEquals(Status.Code.UNAUTHENTICATED, refusal(anonymous, png, 4096));
        } finally {
            provenance.shutdownNow();
            anonymous.shutdownNow();
        }
    }
}
