package io.safeframe.verify;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.safeframe.api.v1.MarkRequest;
import io.safeframe.api.v1.MarkResponse;
import io.safeframe.api.v1.ProvenanceGrpc;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.VerifyResponse;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.ProvenanceServiceProcess;

/**
 * The C2PA soft-binding resolution API end to end: an image published through the real provenance-service (real
 * PostgreSQL registry), its manifest stripped by a re-encode, the watermark payload read by verify-service, then
 * the manifest id found by that payload and the very manifest store that was embedded fetched back — the path a
 * third-party C2PA tool takes. Bad queries get 400 / 404 with a problem document.
 */
@QuarkusTest
@QuarkusTestResource(TestTrustAnchor.class)
@QuarkusTestResource(ProvenanceServiceProcess.class)
class SoftBindingResolutionTest {

    private static final String ALG = "io.safeframe.watermark.qim-dct.v1";
    private static final int VERIFY_TLS_PORT = 9487;
    private static final int PROVENANCE_TLS_PORT = ProvenanceServiceProcess.PORT + 400;

    private static ManagedChannel asGateway;
    private static ManagedChannel provenanceAsGateway;

    @BeforeAll
    static void channels() {
        asGateway = IdentityChannels.as("gateway-service", VERIFY_TLS_PORT);
        provenanceAsGateway = IdentityChannels.as("gateway-service", PROVENANCE_TLS_PORT);
    }

    @AfterAll
    static void close() {
        asGateway.shutdownNow();
        provenanceAsGateway.shutdownNow();
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static byte[] picture() throws Exception {
        BufferedImage image = new BufferedImage(480, 270, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 270; y++) {
            for (int x = 0; x < 480; x++) {
                int v = (int) (128 + 60 * Math.sin(x / 17.0) * Math.cos(y / 23.0) + 30 * Math.sin((x + y) / 7.0));
                image.setRGB(x, y, v << 16 | ((x * 2) & 0xff) << 8 | ((y * 3) & 0xff));
            }
        }
        return png(image);
    }

    @Test
    void aStrippedCopyResolvesToItsManifestThroughTheWatermark() throws Exception {
        MarkResponse marked = ProvenanceGrpc.newBlockingStub(provenanceAsGateway).mark(MarkRequest.newBuilder()
                .setContext(RequestContext.newBuilder().setAccountId("sb-test-account").setCorrelationId("sb-1"))
                .setMedia(ByteString.copyFrom(picture())).setMediaType("image/png").setModel("synthetic").setModelVersion("1").build());
        byte[] published = marked.getMarkedMedia().toByteArray();
        // what a re-post does to metadata: decoded and written again, the manifest chunk is gone, the pixels stay
        byte[] stripped = png(ImageIO.read(new ByteArrayInputStream(published)));
        VerifyResponse read = VerifyServiceTest.upload(asGateway, stripped, 1 << 16);
        assertFalse(read.getManifestPresent(), "the copy carries no manifest");
        assertTrue(read.getWatermark().getDetected(), read.toString());
        assertEquals(marked.getWatermarkPayload(), read.getWatermark().getPayload());
        assertEquals(1, read.getAsset().getWatermarkLayout(), "the record names the layout the asset was marked with");

        String value = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(read.getWatermark().getPayload()));
        List<String> ids = given().queryParam("alg", ALG).queryParam("value", value).get("/v1/c2pa/matches/byBinding")
                .then().statusCode(200).contentType(ContentType.JSON).body("matches[0].similarityScore", equalTo(100))
                .extract().jsonPath().getList("matches.manifestId", String.class);
        assertEquals(1, ids.size(), ids.toString());
        assertTrue(ids.get(0).startsWith("urn:c2pa:"), ids.toString());
        // the hex value our own manifests carry resolves too, and so does the POST form
        given().queryParam("alg", ALG).queryParam("value", marked.getWatermarkPayload()).get("/v1/c2pa/matches/byBinding")
                .then().statusCode(200).body("matches[0].manifestId", equalTo(ids.get(0)));
        given().contentType(ContentType.JSON).body("{\"alg\":\"" + ALG + "\",\"value\":\"" + value + "\"}").post("/v1/c2pa/matches/byBinding")
                .then().statusCode(200).body("matches[0].manifestId", equalTo(ids.get(0)));

        byte[] store = given().accept("application/c2pa").get("/v1/c2pa/manifests/" + ids.get(0))
                .then().statusCode(200).contentType("application/c2pa").extract().asByteArray();
        assertEquals("jumb", new String(store, 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertArrayEquals(store, java.util.Arrays.copyOfRange(published, indexOf(published, store), indexOf(published, store) + store.length),
                "the manifest store embedded at publication");
        assertTrue(indexOf(published, store) > 0);
    }

    @Test
    void supportedAlgorithmsNameOurWatermark() {
        given().get("/v1/c2pa/services/supportedAlgorithms").then().statusCode(200).body("watermarks[0].alg", equalTo(ALG))
                .body("fingerprints.size()", equalTo(0));
    }

    @Test
    void badQueriesAreClearClientErrors() {
        String value = Base64.getEncoder().encodeToString(HexFormat.of().parseHex("00000000000000ff"));
        given().queryParam("alg", ALG).queryParam("value", value).get("/v1/c2pa/matches/byBinding")
                .then().statusCode(200).body("matches.size()", equalTo(0));
        given().queryParam("alg", "com.adobe.trustmark.P").queryParam("value", value).get("/v1/c2pa/matches/byBinding")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("unsupported soft-binding algorithm"));
        given().queryParam("value", value).get("/v1/c2pa/matches/byBinding").then().statusCode(400).body("detail", containsString("alg is required"));
        given().queryParam("alg", ALG).get("/v1/c2pa/matches/byBinding").then().statusCode(400).body("detail", containsString("value is required"));
        given().queryParam("alg", ALG).queryParam("value", "%%%not base64").get("/v1/c2pa/matches/byBinding")
                .then().statusCode(400).body("detail", containsString("not base64"));
        given().queryParam("alg", ALG).queryParam("value", Base64.getEncoder().encodeToString(new byte[5])).get("/v1/c2pa/matches/byBinding")
                .then().statusCode(400).body("detail", containsString("8-byte"));
        given().queryParam("alg", ALG).queryParam("value", value).queryParam("maxResults", "0").get("/v1/c2pa/matches/byBinding")
                .then().statusCode(400).body("detail", containsString("maxResults"));
        given().queryParam("alg", ALG).queryParam("value", value).queryParam("maxResults", "many").get("/v1/c2pa/matches/byBinding")
                .then().statusCode(400);
        given().get("/v1/c2pa/manifests/urn:c2pa:00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/v1/c2pa/manifests/not-a-manifest-id").then().statusCode(400).body("detail", containsString("manifest id"));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
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
}
