package io.safeframe.gateway.clips;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.safeframe.gateway.problem.SafetyServiceUnavailable;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.LifecycleExpiration;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The clip bucket, and the only code that talks to it (S3 API). Clips are written whole before anything refers to them
 * and read back only when their bytes are the recorded ones:
 * <ul>
 * <li>{@link #put}: streams a known length, hashing what is sent; the SHA-256 goes along in the object's metadata and,
 * where the store supports it, as its S3 checksum (the store then refuses a body that differs), and a put whose sent bytes do not hash to
 * the expected value is deleted and refused. An S3 put is all or nothing: an interrupted one leaves no object.</li>
 * <li>{@link #open}: a stream that fails at the end (before the caller sees end-of-stream) when the size or the
 * SHA-256 differ from the record, so a tampered or truncated object is never taken for the clip.</li>
 * </ul>
 * Storage that does not answer (refused connection, cut transfer, timeout, 5xx) is {@link SafetyServiceUnavailable}
 * "clip-storage": job steps wait and retry it like any service that is away, requests get 503.
 */
public class ClipStore {

    private static final Logger LOG = Logger.getLogger(ClipStore.class);
    static final String SERVICE = "clip-storage";
    /** User metadata written with every clip (x-amz-meta-sha256): who reads the bucket by hand can check a file. */
    static final String SHA256_METADATA = "sha256";
    /** Intermediate clips; the lifecycle rule (when configured) expires this prefix only. */
    public static final String GENERATED_PREFIX = "generated/";

    private final S3Client s3;
    private final ClipsConfig config;
    private final ServerSideEncryption encryption;
    private volatile boolean bucketReady;

    public ClipStore(ClipsConfig config) {
        this.config = config;
        this.encryption = switch (config.serverSideEncryption()) {
            case "none" -> null;
            default -> ServerSideEncryption.fromValue(config.serverSideEncryption());
        };
        if (encryption == ServerSideEncryption.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("safeframe.clips.server-side-encryption: AES256, aws:kms or none, not '"
                    + config.serverSideEncryption() + "'");
        }
        var builder = S3Client.builder().region(Region.of(config.region()))
                .credentialsProvider(credentials(config))
                .forcePathStyle(config.pathStyle())
                .httpClientBuilder(Apache5HttpClient.builder().connectionTimeout(java.time.Duration.ofSeconds(3))
                        .socketTimeout(config.callTimeout()))
                // the SHA-256 we send is the checksum; no extra CRC trailer (aws-chunked), which S3-compatible stores
                // read unevenly
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // one attempt per call: the job runner's back-off is the retry (one place for that rule), and a put's
                // stream cannot be sent twice anyway (the SDK would fail on reset, not as "storage away")
                .overrideConfiguration(o -> o.apiCallTimeout(config.callTimeout()).retryStrategy(AwsRetryStrategy.doNotRetry()));
        config.endpoint().ifPresent(builder::endpointOverride);
        this.s3 = builder.build();
    }

    private static AwsCredentialsProvider credentials(ClipsConfig config) {
        if (config.accessKeyId().isPresent() && config.secretAccessKey().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId().get(), config.secretAccessKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    public String bucket() {
        return config.bucket();
    }

    /**
     * Creates the bucket when configured to and applies the retention rule when one is configured. Called at start;
     * an unreachable store is logged and tried again on the first put (the gateway serves everything else meanwhile).
     */
    public void prepare() {
        try {
            ensureBucket();
            applyLifecycle();
        } catch (RuntimeException e) {
            LOG.warnf("clip storage not ready at start (%s); tried again on first use", e.getMessage());
        }
    }

    private void ensureBucket() {
        if (bucketReady) {
            return;
        }
        call(() -> {
            try {
                s3.headBucket(b -> b.bucket(config.bucket()));
            } catch (S3Exception e) {
                if (e.statusCode() != 404 || !config.createBucket()) {
                    throw e;
                }
                s3.createBucket(b -> b.bucket(config.bucket()));
                LOG.infof("created clip bucket %s", config.bucket());
            }
            return null;
        });
        bucketReady = true;
    }

    private void applyLifecycle() {
        if (config.generatedExpiryDays().isEmpty()) {
            return;
        }
        int days = config.generatedExpiryDays().getAsInt();
        LifecycleRule rule = LifecycleRule.builder().id("safeframe-generated-clips").status(ExpirationStatus.ENABLED)
                .filter(LifecycleRuleFilter.builder().prefix(GENERATED_PREFIX).build())
                .expiration(LifecycleExpiration.builder().days(days).build())
                .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(1)).build();
        try {
            s3.putBucketLifecycleConfiguration(b -> b.bucket(config.bucket())
                    .lifecycleConfiguration(BucketLifecycleConfiguration.builder().rules(rule).build()));
            LOG.infof("clip bucket %s: objects under %s expire after %d days", config.bucket(), GENERATED_PREFIX, days);
        } catch (S3Exception e) {
            // s3proxy (the local server) answers NotImplemented: retention is then the operator's (docs/architecture.md)
            LOG.warnf("clip bucket %s: the store refused the lifecycle rule (%s %s); intermediate clips are not expired by it",
                    config.bucket(), e.statusCode(), e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode());
        }
    }

    /**
     * Writes {@code length} bytes from {@code in} as {@code key}. {@code sha256} (hex) is what those bytes must hash to;
     * anything else leaves no object and throws. Returns once the store has the whole object.
     */
    public StoredClip put(String key, InputStream in, long length, String sha256) {
        ensureBucket();
        MessageDigest digest = sha256Digest();
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(config.bucket()).key(key).contentLength(length)
                .contentType("video/mp4").metadata(Map.of(SHA256_METADATA, sha256));
        String checksum = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256));
        if (config.checksumHeader()) {
            request.checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(checksum);
        }
        if (encryption != null) {
            request.serverSideEncryption(encryption);
        }
        PutObjectResponse response = call(() -> s3.putObject(request.build(), RequestBody.fromInputStream(new DigestInputStream(in, digest), length)));
        String sent = HexFormat.of().formatHex(digest.digest());
        if (!sent.equals(sha256)) {
            // the source changed under us (or the caller's hash is wrong): the stored bytes are not the clip
            remove(key);
            throw new ClipUnusable(key, false, "the bytes sent hash to " + sent + ", expected " + sha256 + "; deleted");
        }
        String echoed = response.checksumSHA256();
        if (echoed != null && !echoed.equals(checksum)) {
            remove(key);
            throw new ClipUnusable(key, false, "the store computed another SHA-256 (" + echoed + "); deleted");
        }
        return new StoredClip(key, sha256, length);
    }

    public StoredClip put(String key, byte[] bytes) {
        return put(key, new ByteArrayInputStream(bytes), bytes.length, sha256(bytes));
    }

    /**
     * The clip's bytes as a stream that checks them: reading past the recorded size, or reaching the end with another
     * size or SHA-256, throws {@link ClipUnusable} (wrapped in an IOException by the stream contract) instead of ending.
     */
    public InputStream open(StoredClip clip) {
        ResponseInputStream<GetObjectResponse> object = call(() -> {
            try {
                return s3.getObject(b -> b.bucket(config.bucket()).key(clip.key()));
            } catch (NoSuchKeyException e) {
                throw new ClipUnusable(clip.key(), true, "no such object");
            }
        });
        return new VerifyingStream(object, clip);
    }

    /** The whole clip, checked (see {@link #open}); refuses clips larger than the configured maximum. */
    public byte[] read(StoredClip clip) {
        if (clip.size() > config.maxBytes()) {
            throw new ClipUnusable(clip.key(), false, "recorded as " + clip.size() + " bytes, over safeframe.clips.max-bytes");
        }
        try (InputStream in = open(clip)) {
            return in.readAllBytes();
        } catch (ClipCheckFailed e) {
            throw e.unusable;
        } catch (IOException | SdkClientException e) {
            // the transfer was cut: storage is away, not the clip bad
            throw new SafetyServiceUnavailable(SERVICE, e);
        }
    }

    /** The object is there with the recorded size and SHA-256 metadata (no read of the bytes). */
    public boolean exists(StoredClip clip) {
        return call(() -> {
            try {
                HeadObjectResponse head = s3.headObject(b -> b.bucket(config.bucket()).key(clip.key()));
                return head.contentLength() == clip.size() && clip.sha256().equals(head.metadata().get(SHA256_METADATA));
            } catch (NoSuchKeyException e) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Deletes the object (absent is fine: S3 deletes are idempotent). */
    public void remove(String key) {
        call(() -> s3.deleteObject(b -> b.bucket(config.bucket()).key(key)));
    }

    /** The keys under {@code prefix}, for operators and tests. */
    public java.util.List<String> list(String prefix) {
        return call(() -> s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(prefix)).contents().stream()
                .map(o -> o.key()).toList());
    }

    // Reactive callers (job steps, REST resources): the SDK client blocks, so it runs on a worker thread.

    public Uni<StoredClip> upload(String key, byte[] bytes) {
        return blocking(() -> put(key, bytes));
    }

    public Uni<byte[]> download(StoredClip clip) {
        return blocking(() -> read(clip));
    }

    public Uni<Void> delete(String key) {
        return blocking(() -> {
            remove(key);
            return null;
        });
    }

    private static <T> Uni<T> blocking(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Runs one store call, turning "storage did not answer" into {@link SafetyServiceUnavailable}. */
    private <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (SdkClientException e) {
            throw new SafetyServiceUnavailable(SERVICE, e);
        } catch (S3Exception e) {
            // 501: the store does not do what we asked (a header it lacks) - configuration, not an outage
            if ((e.statusCode() >= 500 && e.statusCode() != 501) || e.statusCode() == 429 || "BadDigest".equals(errorCode(e))) {
                throw new SafetyServiceUnavailable(SERVICE, e);
            }
            throw e;
        } catch (UncheckedIOException e) {
            throw new SafetyServiceUnavailable(SERVICE, e);
        }
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The IOException a {@link VerifyingStream} throws, carrying why the clip is unusable. */
    public static final class ClipCheckFailed extends IOException {
        public final transient ClipUnusable unusable;

        ClipCheckFailed(ClipUnusable unusable) {
            super(unusable.getMessage());
            this.unusable = unusable;
        }
    }

    /** Counts and hashes what is read; at the end (or past the size) compares with the record. */
    private static final class VerifyingStream extends FilterInputStream {
        private final StoredClip clip;
        private final MessageDigest digest = sha256Digest();
        private long count;
        private boolean checked;

        VerifyingStream(InputStream in, StoredClip clip) {
            super(in);
            this.clip = clip;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                count += n;
                if (count > clip.size()) {
                    throw new ClipCheckFailed(new ClipUnusable(clip.key(), false, "longer than the recorded " + clip.size() + " bytes"));
                }
            } else if (n < 0 && !checked) {
                checked = true;
                if (count != clip.size()) {
                    throw new ClipCheckFailed(new ClipUnusable(clip.key(), false, count + " bytes, recorded " + clip.size()));
                }
                String actual = HexFormat.of().formatHex(digest.digest());
                if (!actual.equals(clip.sha256())) {
                    throw new ClipCheckFailed(new ClipUnusable(clip.key(), false, "SHA-256 " + actual + ", recorded " + clip.sha256()));
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // skipping would leave bytes unhashed: read them instead
            byte[] sink = new byte[(int) Math.min(8192, Math.max(0, n))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
