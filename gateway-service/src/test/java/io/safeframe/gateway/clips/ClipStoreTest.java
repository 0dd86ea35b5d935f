package io.safeframe.gateway.clips;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.safeframe.gateway.problem.SafetyServiceUnavailable;
import io.safeframe.testing.S3ProxyServer;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The clip store against a real S3-compatible server (s3proxy, filesystem backend, its own process): what is stored
 * reads back checked; a tampered, truncated or missing object is refused; a put cut off by the server dying leaves no
 * object; storage that is away is "unavailable" (retried), a refusal for wrong credentials is not.
 */
class ClipStoreTest {

    private static final String BUCKET = "clip-store-test";
    private static S3ProxyServer server;
    private static ClipStore clips;

    record Config(Optional<URI> endpoint, String region, String bucket, Optional<String> accessKeyId, Optional<String> secretAccessKey,
            boolean pathStyle,
            String serverSideEncryption, boolean checksumHeader, boolean createBucket, OptionalInt generatedExpiryDays,
            Duration callTimeout, long maxBytes) implements ClipsConfig {
    }

    static Config config(String secret, OptionalInt expiryDays) {
        return new Config(Optional.of(URI.create(server.endpoint())), "us-east-1", BUCKET, Optional.of(S3ProxyServer.ACCESS_KEY), Optional.of(secret), true,
                "none",
                false, true, expiryDays, Duration.ofSeconds(20), 64L << 20);
    }

    @BeforeAll
    static void start() {
        server = S3ProxyServer.shared();
        ensureUp();
        clips = new ClipStore(config(S3ProxyServer.SECRET_KEY, OptionalInt.empty()));
    }

    /** The server is shared with the rest of the test JVM: leave it running whatever happened here. */
    @AfterAll
    static void leaveItRunning() {
        ensureUp();
    }

    private static void ensureUp() {
        if (!server.alive()) {
            server.restart();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String key() {
        return "generated/" + UUID.randomUUID() + "/clip.mp4";
    }

    @Test
    void whatIsStoredReadsBackCheckedAndIsGoneAfterDelete() throws IOException {
        ensureUp();
        byte[] bytes = random(300_000, 1);
        String key = key();
        StoredClip stored = clips.put(key, bytes);
        assertEquals(new StoredClip(key, ClipStore.sha256(bytes), bytes.length), stored);
        assertArrayEquals(bytes, clips.read(stored));
        try (InputStream in = clips.open(stored)) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
        assertTrue(clips.exists(stored));
        assertTrue(clips.list("generated/").contains(key), "listed under its prefix");

        clips.remove(key);
        assertFalse(clips.exists(stored));
        ClipUnusable gone = assertThrows(ClipUnusable.class, () -> clips.read(stored));
        assertTrue(gone.missing);
        clips.remove(key); // deleting what is gone is fine
    }

    @Test
    void aTamperedOrTruncatedObjectIsRefused() throws IOException {
        ensureUp();
        byte[] bytes = random(200_000, 2);
        String key = key();
        StoredClip stored = clips.put(key, bytes);
        Path file = server.dataDir().resolve(BUCKET).resolve(key);
        assertArrayEquals(bytes, Files.readAllBytes(file), "the filesystem backend keeps the object as this file");

        // one byte flipped, same length: only the SHA-256 tells
        byte[] flipped = bytes.clone();
        flipped[123_456] ^= 1;
        Files.write(file, flipped);
        ClipUnusable tampered = assertThrows(ClipUnusable.class, () -> clips.read(stored));
        assertFalse(tampered.missing);
        assertTrue(tampered.getMessage().contains("SHA-256"), tampered.getMessage());
        // the stream form fails at the end instead of reporting a normal end of stream
        try (InputStream in = clips.open(stored)) {
            assertThrows(ClipStore.ClipCheckFailed.class, in::readAllBytes);
        }

        // cut short, and grown longer
        Files.write(file, java.util.Arrays.copyOf(bytes, 1000));
        assertTrue(assertThrows(ClipUnusable.class, () -> clips.read(stored)).getMessage().contains("bytes"));
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length + 1));
        assertTrue(assertThrows(ClipUnusable.class, () -> clips.read(stored)).getMessage().contains("longer"));

        // a record claiming more than the configured maximum is not read into memory at all
        StoredClip huge = new StoredClip(key, stored.sha256(), (64L << 20) + 1);
        assertThrows(ClipUnusable.class, () -> clips.read(huge));
    }

    @Test
    void aPutWhoseBytesDoNotHashToTheExpectedValueLeavesNoObject() {
        ensureUp();
        byte[] bytes = random(50_000, 3);
        String key = key();
        String wrong = ClipStore.sha256(new byte[] { 1, 2, 3 });
        ClipUnusable refused = assertThrows(ClipUnusable.class,
                () -> clips.put(key, new java.io.ByteArrayInputStream(bytes), bytes.length, wrong));
        assertTrue(refused.getMessage().contains("deleted"), refused.getMessage());
        assertFalse(clips.list("generated/").contains(key));
    }

    @Test
    void theServerDyingMidUploadFailsThePutAndLeavesNoObject() throws Exception {
        ensureUp();
        long size = 256L << 20; // far more than is sent before the kill
        String key = key();
        AtomicLong sent = new AtomicLong();
        CountDownLatch halfway = new CountDownLatch(1);
        InputStream source = new InputStream() {
            private final Random random = new Random(4);

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent.get() >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - sent.get());
                byte[] chunk = new byte[n];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, b, off, n);
                if (sent.addAndGet(n) > (8L << 20)) {
                    halfway.countDown();
                }
                return n;
            }
        };
        Thread killer = new Thread(() -> {
            try {
                halfway.await();
                server.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        // the expected hash does not matter: the put must fail before it is compared
        SafetyServiceUnavailable cut = assertThrows(SafetyServiceUnavailable.class,
                () -> clips.put(key, source, size, ClipStore.sha256(new byte[0])));
        killer.join();
        assertEquals(ClipStore.SERVICE, cut.service);
        assertTrue(sent.get() < size, "cut off after " + sent.get() + " of " + size + " bytes");

        // while it is down: storage unavailable (the job step waits and retries), not a bad clip
        StoredClip never = new StoredClip(key, ClipStore.sha256(new byte[0]), 1000);
        assertThrows(SafetyServiceUnavailable.class, () -> clips.read(never));
        assertThrows(SafetyServiceUnavailable.class, () -> clips.put(key(), new byte[] { 1 }));

        server.restart();
        assertFalse(clips.exists(never), "no object, not even a partial one, under the key");
        ClipUnusable absent = assertThrows(ClipUnusable.class, () -> clips.read(never));
        assertTrue(absent.missing);
        // s3proxy's filesystem backend writes to KEY-<uuid> and renames at the end: a kill leaves that file, which it
        // then lists as an object of its own name. It is never the key, so nothing can refer to it (docs/architecture.md)
        List<String> left = clips.list("generated/" + key.split("/")[1] + "/");
        assertFalse(left.contains(key), left.toString());
        assertTrue(left.stream().allMatch(k -> k.startsWith(key + "-")), left.toString());
        // and it works again
        byte[] after = random(10_000, 5);
        assertArrayEquals(after, clips.read(clips.put(key(), after)));
    }

    @Test
    void wrongCredentialsAreARefusalNotAnOutage() {
        ensureUp();
        ClipStore wrong = new ClipStore(config("not-the-secret", OptionalInt.empty()));
        S3Exception refused = assertThrows(S3Exception.class, () -> wrong.put(key(), new byte[] { 1, 2, 3 }));
        assertEquals(403, refused.statusCode());
    }

    @Test
    void aRetentionRuleTheServerDoesNotSupportDoesNotStopTheStore() {
        ensureUp();
        // s3proxy 2.6.0 answers 501 to PutBucketLifecycleConfiguration: logged, the store works on
        ClipStore withRule = new ClipStore(config(S3ProxyServer.SECRET_KEY, OptionalInt.of(30)));
        withRule.prepare();
        byte[] bytes = random(1000, 6);
        assertArrayEquals(bytes, withRule.read(withRule.put(key(), bytes)));
    }

    @Test
    void anUnknownEncryptionSettingIsRefusedAtStart() {
        Config bad = new Config(Optional.of(URI.create(server.endpoint())), "us-east-1", BUCKET, Optional.of("a"), Optional.of("b"), true, "rot13", false, true,
                OptionalInt.empty(), Duration.ofSeconds(5), 1);
        assertThrows(IllegalArgumentException.class, () -> new ClipStore(bad));
    }
}
