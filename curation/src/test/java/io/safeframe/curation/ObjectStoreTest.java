package io.safeframe.curation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.safeframe.testing.S3ProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * s3:// media through a real S3-compatible server (s3proxy): read when present, and every way it can fail is an
 * unreadable item with the reason, never an exception that stops the shard and never a partial read.
 */
class ObjectStoreTest {

    static S3Client client;
    static ObjectStore store;
    static final String BUCKET = "curation-test";

    static S3Client client(String endpoint) {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(java.net.URI.create(endpoint)).forcePathStyle(true)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY,
                        S3ProxyServer.SECRET_KEY)))
                .build();
    }

    @BeforeAll
    static void start() {
        client = client(S3ProxyServer.shared().endpoint());
        client.createBucket(b -> b.bucket(BUCKET));
        client.putObject(b -> b.bucket(BUCKET).key("frames/a.png"), RequestBody.fromBytes(new byte[] { 1, 2, 3, 4 }));
        client.putObject(b -> b.bucket(BUCKET).key("big.mp4"), RequestBody.fromBytes(new byte[1000]));
        client.putObject(b -> b.bucket(BUCKET).key("empty.png"), RequestBody.fromBytes(new byte[0]));
        store = new ObjectStore(client);
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
    }

    private static MediaSource source(long maxBytes) {
        return new MediaSource(Path.of("."), maxBytes, store);
    }

    private static String problem(MediaSource source, String ref) {
        return assertThrows(MediaSource.Unavailable.class, () -> source.read(ref)).getMessage();
    }

    @Test
    void anObjectIsReadWhole() throws MediaSource.Unavailable {
        assertArrayEquals(new byte[] { 1, 2, 3, 4 }, source(100).read("s3://" + BUCKET + "/frames/a.png"));
    }

    @Test
    void everyFailureIsAReasonNotACrash() {
        MediaSource s = source(100);
        assertEquals("missing object", problem(s, "s3://" + BUCKET + "/frames/nope.png"));
        assertEquals("larger than 100 bytes", problem(s, "s3://" + BUCKET + "/big.mp4"), "refused from its size, unread");
        assertEquals("empty object", problem(s, "s3://" + BUCKET + "/empty.png"));
        assertEquals("not an s3://bucket/key reference", problem(s, "s3://Not_A_Bucket/x.png"));
        assertEquals("not an s3://bucket/key reference", problem(s, "s3://" + BUCKET + "/"));
        assertEquals("not an s3://bucket/key reference", problem(s, "s3://" + BUCKET));
        assertEquals("unsupported reference scheme", problem(s, "https://example.com/x.png"));
    }

    @Test
    void anUnreachableStoreMakesTheItemUnreadable() {
        int closed = S3ProxyServer.shared().port() + 1; // nothing listens there in this test
        try (ObjectStore away = new ObjectStore(client("http://127.0.0.1:" + closed))) {
            MediaSource s = new MediaSource(Path.of("."), 100, away);
            assertEquals("object store unreachable", problem(s, "s3://" + BUCKET + "/frames/a.png"));
        }
    }

    @Test
    void settingsNameTheEndpointAndRegion() {
        CurationSettings s = CurationSettings.from(Map.of("s3-endpoint", "http://minio:9000"), Map.of("SAFEFRAME_CURATION_S3_REGION", "eu-west-1"));
        assertEquals("http://minio:9000", s.s3Endpoint());
        assertEquals("eu-west-1", s.s3Region());
        assertEquals("us-east-1", CurationSettings.from(Map.of(), Map.of()).s3Region());
    }
}
